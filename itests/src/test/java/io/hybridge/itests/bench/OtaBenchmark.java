package io.hybridge.itests.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.hybridge.fleet.FleetManager;
import io.hybridge.fleet.bench.RolloutBenchmark;
import io.hybridge.fleet.rollout.EngineSettings;
import io.hybridge.fleet.rollout.ErrorAction;
import io.hybridge.fleet.rollout.RolloutRequest;
import io.hybridge.fleet.rollout.RolloutService;
import io.hybridge.fleet.rollout.RolloutState;
import io.hybridge.fleet.rollout.Target;
import io.hybridge.fleet.rollout.Unit;
import io.hybridge.itests.bench.probe.ProbeActivator;
import io.hybridge.itests.bench.probe.ProbeServlet;
import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayFleet;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Wait;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.KuraMetric;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.KuraMetric.ValueType;

/**
 * OTA benchmark with real processes: 20 gateway installations on a Mosquitto cloud broker and the
 * fleet rollout manager ({@code bundles/fleet}) in this JVM. Each figure is set against a
 * baseline measured in the same run:
 *
 * <ul>
 * <li><b>rollout</b> of a signed 5 MiB bundle to the 20 real gateways in waves (1, 25%, 50%,
 * 100%): per wave, total, p50/p95 per gateway (request to outcome); baseline: the same file
 * fetched by 20 plain HTTP clients at once from the same unit server. Then the same rollout to
 * 1,000 simulated gateways ({@link RolloutBenchmark#run}) on a broker of its own, once the real
 * gateways are stopped;</li>
 * <li><b>service interruption</b> of the updated bundle: a probe bundle registers a servlet
 * ({@code /probe}) that this JVM polls back to back while the fleet updates the bundle to its
 * next version; the longest gap between two answers, median over gateways and rounds (target
 * ≤ 200 ms); baseline: the longest gap of the same polling without an update;</li>
 * <li><b>download throughput</b>: the gateway's OTA download of a 256 MiB unit (EXEC/download
 * with {@code dp.install=false}: streamed to disk with SHA-256, verified, signature checked;
 * request to the COMPLETED download notification) against two plain fetches of the same file
 * to disk from the same loopback server: a JDK {@code HttpClient} with {@code BodyHandlers.ofFile}
 * in this JVM, and {@code curl -o} (each also with an fsync after it, as the gateway does);
 * interleaved rounds, each fetch right after a file of its size was written and deleted
 * ({@link #settleMemory}), medians, ratio to each (target ≥ 0.9).</li>
 * </ul>
 *
 * System properties: {@code bench.ota.gateways} (20), {@code bench.ota.unit.mib} (5),
 * {@code bench.ota.simulated} (1000; 0 skips), {@code bench.ota.interruption.gateways} (3),
 * {@code bench.ota.interruption.rounds} (3), {@code bench.ota.download.mib} (256),
 * {@code bench.ota.download.rounds} (3), {@code bench.ota.gateway.java.opts} (HYBRIDGE_JAVA_OPTS of the
 * gateways; empty: the shipped C1-only JIT). Writes {@code ota.json} to the directory given as the
 * first argument.
 */
public final class OtaBenchmark {
    private static final String PROBE_UNIT = "ota-probe";
    private static final String PROBE_BUNDLE = "io.hybridge.bench.probe";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path work;
    private final GatewayFleet fleet;
    private final FleetManager manager;
    private final RolloutService rollouts;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private OtaBenchmark(Path work, GatewayFleet fleet, FleetManager manager) {
        this.work = work;
        this.fleet = fleet;
        this.manager = manager;
        this.rollouts = manager.rollouts(GatewayFleet.ACCOUNT);
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks");
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("hybridge-ota-bench");
        int gateways = Integer.getInteger("bench.ota.gateways", 20);
        int unitMib = Integer.getInteger("bench.ota.unit.mib", 5);
        int simulated = Integer.getInteger("bench.ota.simulated", 1000);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("machine", Runtime.getRuntime().availableProcessors() + " cores");
        try (CloudBroker broker = CloudBroker.start(work.resolve("broker"));
                GatewayFleet fleet = GatewayFleet.install(work, broker, gateways, "128m", 10)) {
            FleetManager manager = fleet.startManager(new EngineSettings(Duration.ofMillis(50), Duration.ofSeconds(10), 2,
                    Duration.ofSeconds(15), Duration.ofSeconds(30), Duration.ofSeconds(1)));
            String javaOpts = System.getProperty("bench.ota.gateway.java.opts", "");
            if (!javaOpts.isBlank()) {
                fleet.gateways().forEach(g -> g.env("HYBRIDGE_JAVA_OPTS", javaOpts));
            }
            result.put("gatewayJavaOpts", javaOpts);
            long t0 = System.nanoTime();
            fleet.startAll();
            fleet.awaitInventory(Duration.ofMinutes(2));
            result.put("gatewaysStartSeconds", round2((System.nanoTime() - t0) / 1e9));
            OtaBenchmark bench = new OtaBenchmark(work, fleet, manager);
            result.put("rolloutReal", bench.rolloutToRealGateways(unitMib));
            result.put("interruption", bench.interruption(broker, Integer.getInteger("bench.ota.interruption.gateways", 3),
                    Integer.getInteger("bench.ota.interruption.rounds", 3)));
            result.put("download", bench.downloadThroughput(broker, Integer.getInteger("bench.ota.download.mib", 256),
                    Integer.getInteger("bench.ota.download.rounds", 3)));
        }
        if (simulated > 0) {
            // the real gateways are stopped: the simulator gets the machine, on a broker without accounts
            try (CloudBroker plain = CloudBroker.startAllowingAnonymous(work.resolve("sim-broker"))) {
                result.put("rolloutSimulated", RolloutBenchmark.run(plain.uri(), work.resolve("sim"), simulated, unitMib,
                        "1,10%,50%,100%", 1.0, null));
            }
        }
        String json = JSON.writeValueAsString(result);
        Files.writeString(out.resolve("ota.json"), json);
        System.out.println(json);
        deleteTree(work); // 20 installations and the 256 MiB files
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }

    // ---- rollout to the real gateways -----------------------------------------------------------

    private Map<String, Object> rolloutToRealGateways(int mib) throws Exception {
        Path jar = Files.write(work.resolve("bench-unit.jar"), GatewayFleet.bundle("io.hybridge.bench.unit", "1.0.0", null,
                mib * 1024 * 1024, Map.of()));
        Unit unit = rollouts.addFile(jar, "bench-unit", "1.0.0", fleet.keys(), "bundle");
        String url = manager.files().url(unit.sha256Hex(), jar.getFileName().toString());

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gateways", fleet.gateways().size());
        out.put("unitBytes", Files.size(jar));
        out.put("waves", "1,25%,50%,100%");
        long id = rollouts.create(RolloutRequest.of("benchmark", unit.id(), "query:account=" + GatewayFleet.ACCOUNT)
                .withWaves("1,25%,50%,100%").withThresholds(100, 0, ErrorAction.PAUSE).withGatewayTimeout(Duration.ofMinutes(5)));
        long start = System.currentTimeMillis();
        rollouts.start(id);
        awaitEnd(id, Duration.ofMinutes(10));
        long end = System.currentTimeMillis();
        List<Target> targets = rollouts.status(id).targets();
        out.put("state", rollouts.get(id).state().name());
        out.put("succeeded", targets.stream().filter(t -> t.state().success()).count());
        out.put("totalSeconds", (end - start) / 1000.0);
        List<Map<String, Object>> perWave = new ArrayList<>();
        for (int w = 0; w <= targets.stream().mapToInt(Target::wave).max().orElse(-1); w++) {
            int wave = w;
            List<Target> in = targets.stream().filter(t -> t.wave() == wave).toList();
            long first = in.stream().mapToLong(Target::dispatched).filter(x -> x > 0).min().orElse(0);
            long last = in.stream().mapToLong(Target::finished).max().orElse(0);
            perWave.add(Map.of("wave", w + 1, "gateways", in.size(), "seconds", (last - first) / 1000.0));
        }
        out.put("perWave", perWave);
        List<Double> perGateway = targets.stream().mapToLong(Target::durationMillis).filter(d -> d >= 0)
                .mapToObj(d -> d / 1000.0).sorted().toList();
        out.put("perGatewayP50Seconds", percentile(perGateway, 0.50));
        out.put("perGatewayP95Seconds", percentile(perGateway, 0.95));

        // baseline: the same file to as many plain clients at once, from the same server
        ExecutorService clients = Executors.newFixedThreadPool(fleet.gateways().size());
        try {
            long b0 = System.nanoTime();
            List<Future<Long>> fetches = new ArrayList<>();
            for (int i = 0; i < fleet.gateways().size(); i++) {
                fetches.add(clients.submit(() -> http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding()).headers().firstValueAsLong("content-length").orElse(-1)));
            }
            for (Future<Long> f : fetches) {
                f.get();
            }
            out.put("baselinePlainFetchAllSeconds", round2((System.nanoTime() - b0) / 1e9));
        } finally {
            clients.shutdownNow();
        }
        return out;
    }

    // ---- service interruption --------------------------------------------------------------------

    private Map<String, Object> interruption(CloudBroker broker, int gatewayCount, int rounds) throws Exception {
        List<String> ids = fleet.clientIds().subList(0, Math.min(gatewayCount, fleet.clientIds().size()));
        install(probeUnit("1.0.0"), ids);
        List<Double> gaps = new ArrayList<>();
        List<Double> baselines = new ArrayList<>();
        List<Double> agentMeasured = new ArrayList<>();
        List<Map<String, Object>> samples = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            String version = "1.0." + round;
            Unit next = probeUnit(version);
            for (String id : ids) {
                GatewayProcess gateway = fleet.gateways().get(fleet.clientIds().indexOf(id));
                URI probe = gateway.url("/probe");
                Wait.until("the probe answering on " + id, Duration.ofSeconds(30), () -> answer(probe) != null);
                for (int warm = 0; warm < 200; warm++) {
                    answer(probe); // connection and JIT of both sides warm before anything is timed
                }
                // baseline: the same polling for about as long as an update takes, with nothing happening
                Poller quiet = Poller.start(http, probe);
                long q0 = System.nanoTime();
                Wait.until("2 s of quiet polling", Duration.ofSeconds(10), () -> System.nanoTime() - q0 > 2_000_000_000L);
                quiet.stop();
                Poller during = Poller.start(http, probe);
                install(next, List.of(id));
                Wait.until(id + " answering with " + version, Duration.ofSeconds(30),
                        () -> ("probe " + version).equals(answer(probe)));
                during.stop();
                long agentMillis;
                try (KapuaClient kapua = new KapuaClient(broker)) {
                    JsonNode newest = JSON.readTree(kapua.request(GatewayFleet.ACCOUNT, id, "DEPLOY-V2", "GET/jobs", null,
                            Duration.ofSeconds(30)).body()).path("history").path(0);
                    agentMillis = newest.path("interruptionMillis").asLong(-1);
                }
                agentMeasured.add((double) agentMillis);
                gaps.add(during.longestGapMillis());
                baselines.add(quiet.longestGapMillis());
                samples.add(Map.of("gateway", id, "round", round, "gapMillis", round2(during.longestGapMillis()),
                        "baselineGapMillis", round2(quiet.longestGapMillis()), "answers", during.answers(),
                        "errors", during.errors(), "agentInterruptionMillis", agentMillis));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("gateways", ids.size());
        out.put("rounds", rounds);
        out.put("medianLongestGapMillis", round2(median(gaps)));
        out.put("maxLongestGapMillis", round2(gaps.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
        out.put("baselineMedianLongestGapMillis", round2(median(baselines)));
        out.put("agentMedianInterruptionMillis", median(agentMeasured));
        out.put("targetMillis", 200);
        out.put("samples", samples);
        return out;
    }

    private Unit probeUnit(String version) throws Exception {
        byte[] jar = GatewayFleet.bundle(PROBE_BUNDLE, version, ProbeActivator.class.getName(), 0, Map.of(
                classFile(ProbeActivator.class), classBytes(ProbeActivator.class),
                classFile(ProbeServlet.class), classBytes(ProbeServlet.class)), Map.of(
                "Import-Package", "org.osgi.framework,jakarta.servlet,jakarta.servlet.http"));
        Path file = Files.write(work.resolve(PROBE_UNIT + "-" + version + ".jar"), jar);
        return rollouts.addFile(file, PROBE_UNIT, version, fleet.keys(), "bundle");
    }

    /** A one-wave rollout of the unit to these gateways, waited for; every one must succeed. */
    private void install(Unit unit, List<String> ids) throws Exception {
        long id = rollouts.create(RolloutRequest.of(unit.label(), unit.id(), "list:" + String.join(",", ids)).withWaves("100%")
                .withThresholds(100, 0, ErrorAction.PAUSE).withGatewayTimeout(Duration.ofMinutes(2)));
        rollouts.start(id);
        awaitEnd(id, Duration.ofMinutes(3));
        if (rollouts.get(id).state() != RolloutState.COMPLETED) {
            throw new IllegalStateException("rollout of " + unit.label() + " did not complete:\n" + rollouts.status(id).render(true));
        }
    }

    private String answer(URI probe) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Polls one URL back to back on its own thread and keeps the longest gap between two 200 answers. */
    private static final class Poller implements Runnable {
        private final HttpClient http;
        private final HttpRequest request;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private long lastAnswer;
        private long longestGap;
        private int answers;
        private int errors;

        private Poller(HttpClient http, URI uri) {
            this.http = http;
            this.request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build();
            this.thread = new Thread(this, "probe-poller");
        }

        static Poller start(HttpClient http, URI uri) {
            Poller p = new Poller(http, uri);
            p.thread.start();
            return p;
        }

        @Override
        public void run() {
            while (running.get()) {
                try {
                    HttpResponse<Void> r = http.send(request, HttpResponse.BodyHandlers.discarding());
                    if (r.statusCode() == 200) {
                        long now = System.nanoTime();
                        if (lastAnswer != 0) {
                            longestGap = Math.max(longestGap, now - lastAnswer);
                        }
                        lastAnswer = now;
                        answers++;
                    } else {
                        errors++;
                    }
                } catch (IOException e) {
                    errors++;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }

        double longestGapMillis() {
            return longestGap / 1e6;
        }

        int answers() {
            return answers;
        }

        int errors() {
            return errors;
        }
    }

    // ---- download throughput ---------------------------------------------------------------------

    private Map<String, Object> downloadThroughput(CloudBroker broker, int mib, int rounds) throws Exception {
        Path jar = Files.write(work.resolve("big-unit.jar"), GatewayFleet.bundle("io.hybridge.bench.big", "1.0.0", null,
                mib * 1024 * 1024, Map.of()));
        Unit unit = rollouts.addFile(jar, "big-unit", "1.0.0", fleet.keys(), "bundle");
        String url = manager.files().url(unit.sha256Hex(), jar.getFileName().toString());
        long bytes = Files.size(jar);
        String gw = fleet.clientIds().get(0);
        List<Double> ota = new ArrayList<>();
        List<Double> onGateway = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        List<Double> curl = new ArrayList<>();
        List<Double> transferMillis = new ArrayList<>();
        List<Double> verifyMillis = new ArrayList<>();
        try (KapuaClient kapua = new KapuaClient(broker)) {
            kapua.subscribe("$EDC/" + GatewayFleet.ACCOUNT + "/" + kapua.clientId() + "/DEPLOY-V2/#");
            for (int round = 1; round <= rounds; round++) {
                if (round % 2 == 1) { // alternating which goes first
                    settleMemory(bytes);
                    plain.add(plainFetch(url, bytes, round));
                    settleMemory(bytes);
                    curl.add(curlFetch(url, bytes, round));
                }
                long job = 900_000 + round;
                // the gateway takes a unit it has stored already from its store: every round must fetch
                Files.deleteIfExists(fleet.gateways().get(0).home().resolve("var/deploy/store/" + unit.sha256Hex() + ".unit"));
                settleMemory(bytes);
                long o0 = System.nanoTime();
                download(kapua, gw, job, url, unit);
                Wait.until("download of job " + job + " COMPLETED", Duration.ofMinutes(5), () -> kapua.received().stream()
                        .anyMatch(r -> r.topic().endsWith("/download") && Long.valueOf(job).equals(r.metric("job.id"))
                                && ("COMPLETED".equals(r.metric("dp.download.status"))
                                        || fail(job, r.metric("dp.download.status"), r.metric("dp.download.error.message")))));
                ota.add(bytes / 1048576.0 / ((System.nanoTime() - o0) / 1e9));
                // the gateway's own clock (GET/jobs): job accepted to finished (after the hash, signature
                // and content checks), without the MQTT legs
                JsonNode done = finishedJob(kapua, gw, job);
                onGateway.add(bytes / 1048576.0 / Math.max(0.001, (done.path("finishedAt").asLong() - done.path("startedAt").asLong()) / 1000.0));
                transferMillis.add((double) done.path("transferMillis").asLong());
                verifyMillis.add((double) done.path("verifyMillis").asLong());
                if (round % 2 == 0) {
                    settleMemory(bytes);
                    curl.add(curlFetch(url, bytes, round));
                    settleMemory(bytes);
                    plain.add(plainFetch(url, bytes, round));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("bytes", bytes);
        out.put("rounds", rounds);
        out.put("otaMiBPerSecond", round1(median(ota)));
        out.put("otaOnGatewayMiBPerSecond", round1(median(onGateway)));
        out.put("plainHttpClientMiBPerSecond", round1(median(plain)));
        out.put("ratio", round2(median(ota) / median(plain)));
        out.put("ratioOnGateway", round2(median(onGateway) / median(plain)));
        out.put("curlMiBPerSecond", round1(median(curl)));
        out.put("ratioToCurl", round2(median(ota) / median(curl)));
        out.put("curlThenFsyncMiBPerSecond", round1(median(curlDurable)));
        out.put("ratioToCurlThenFsync", round2(median(ota) / median(curlDurable)));
        out.put("plainFetchThenFsyncMiBPerSecond", round1(median(plainDurable)));
        out.put("ratioToFetchThenFsync", round2(median(ota) / median(plainDurable)));
        out.put("targetRatio", 0.9);
        out.put("otaSamples", ota.stream().map(OtaBenchmark::round1).toList());
        out.put("otaOnGatewaySamples", onGateway.stream().map(OtaBenchmark::round1).toList());
        out.put("plainSamples", plain.stream().map(OtaBenchmark::round1).toList());
        out.put("curlSamples", curl.stream().map(OtaBenchmark::round1).toList());
        // the gateway's own split of a job: fetch to fsync, then hash/signature/content checks
        out.put("gatewayTransferMillis", transferMillis);
        out.put("gatewayVerifyMillis", verifyMillis);
        return out;
    }

    /** A finished job from the gateway's GET/jobs history. */
    private static JsonNode finishedJob(KapuaClient kapua, String gw, long job) throws Exception {
        JsonNode jobs = JSON.readTree(kapua.request(GatewayFleet.ACCOUNT, gw, "DEPLOY-V2", "GET/jobs", null,
                Duration.ofSeconds(30)).body());
        for (JsonNode j : jobs.path("history")) {
            if (j.path("id").asLong() == job) {
                return j;
            }
        }
        throw new IllegalStateException("job " + job + " is not in the history of " + gw + ": " + jobs);
    }

    /** The baseline: a JDK HttpClient fetch of the same URL to a file; MiB/s. */
    private double plainFetch(String url, long bytes, int round) throws Exception {
        Path target = work.resolve("plain-" + round + ".bin");
        long p0 = System.nanoTime();
        http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofFile(target));
        double rate = bytes / 1048576.0 / ((System.nanoTime() - p0) / 1e9);
        fsync(target); // the gateway makes its download durable before it reports it: the same fetch, then fsync
        plainDurable.add(bytes / 1048576.0 / ((System.nanoTime() - p0) / 1e9));
        Files.delete(target);
        return rate;
    }

    private final List<Double> plainDurable = new ArrayList<>();
    private final List<Double> curlDurable = new ArrayList<>();

    /**
     * Puts every fetch in the same place: right after a file of its size was written and deleted.
     * On a VM that backs guest memory lazily (balloon, free page reporting) a write into pages the
     * host no longer backs runs at half speed; without this, which fetch came right after another
     * one's deletion decided more than the fetch itself.
     */
    private void settleMemory(long bytes) throws IOException {
        Path scratch = work.resolve("settle.bin");
        byte[] block = new byte[1 << 20];
        try (java.io.OutputStream out = Files.newOutputStream(scratch)) {
            for (long written = 0; written < bytes; written += block.length) {
                out.write(block);
            }
        }
        Files.delete(scratch);
    }

    private static void fsync(Path file) throws IOException {
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    /** The other baseline: {@code curl -o} of the same URL; MiB/s. */
    private double curlFetch(String url, long bytes, int round) throws Exception {
        Path target = work.resolve("curl-" + round + ".bin");
        long c0 = System.nanoTime();
        Process curl = new ProcessBuilder("curl", "-sS", "--fail", "-o", target.toString(), url).inheritIO().start();
        if (curl.waitFor() != 0) {
            throw new IllegalStateException("curl " + url + " exited " + curl.exitValue());
        }
        double rate = bytes / 1048576.0 / ((System.nanoTime() - c0) / 1e9);
        if (Files.size(target) != bytes) {
            throw new IllegalStateException("curl fetched " + Files.size(target) + " of " + bytes + " bytes");
        }
        fsync(target);
        curlDurable.add(bytes / 1048576.0 / ((System.nanoTime() - c0) / 1e9));
        Files.delete(target);
        return rate;
    }

    private static boolean fail(long job, Object status, Object message) {
        if ("FAILED".equals(status)) {
            throw new IllegalStateException("download of job " + job + " failed: " + message);
        }
        return false;
    }

    /** EXEC/download with dp.install=false: download, hash, signature and content checks, no install. */
    private static void download(KapuaClient kapua, String gw, long job, String url, Unit unit) throws Exception {
        String requestId = UUID.randomUUID().toString();
        KuraPayload payload = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis())
                .addMetric(KapuaClient.string("request.id", requestId))
                .addMetric(KapuaClient.string("requester.client.id", kapua.clientId()))
                .addMetric(KapuaClient.string("dp.uri", url))
                .addMetric(KapuaClient.string("dp.name", unit.name()))
                .addMetric(KapuaClient.string("dp.version", unit.version()))
                .addMetric(KuraMetric.newBuilder().setName("job.id").setType(ValueType.INT64).setLongValue(job))
                .addMetric(KuraMetric.newBuilder().setName("dp.install").setType(ValueType.BOOL).setBoolValue(false))
                .addMetric(KapuaClient.string("dp.download.hash", "SHA-256:" + unit.sha256Hex()))
                .addMetric(KapuaClient.string("dp.signature", unit.signature()))
                .addMetric(KapuaClient.string("dp.signature.key", unit.keyId()))
                .build();
        kapua.publish("$EDC/" + GatewayFleet.ACCOUNT + "/" + gw + "/DEPLOY-V2/EXEC/download", payload.toByteArray());
        KapuaClient.Received reply = kapua.await("reply to EXEC/download", Duration.ofSeconds(30),
                ("$EDC/" + GatewayFleet.ACCOUNT + "/" + kapua.clientId() + "/DEPLOY-V2/REPLY/" + requestId)::equals);
        if (!Integer.valueOf(200).equals(reply.metric("response.code"))) {
            throw new IllegalStateException("EXEC/download refused: " + reply.metric("response.exception.message"));
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private void awaitEnd(long id, Duration deadline) {
        Wait.until("rollout " + id + " ended", deadline, () -> {
            try {
                return rollouts.get(id).state() != RolloutState.RUNNING;
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static String classFile(Class<?> type) {
        return type.getName().replace('.', '/') + ".class";
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        try (InputStream in = type.getClassLoader().getResourceAsStream(classFile(type))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
        }
    }

    private static double percentile(List<Double> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
