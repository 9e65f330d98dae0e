package io.hybridge.itests.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.Docker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Wait;

/**
 * Container-workload benchmark against the real Docker engine, every figure set against its
 * baseline in the same run (the machine is shared: medians and ratios are what to compare):
 *
 * <ul>
 * <li><b>start latency</b>: a {@code WORKLOADS-V1 PUT} through the cloud broker until the engine's
 * {@code start} event of the container, against {@code docker run -d} of the same image until its
 * {@code start} event; interleaved rounds, medians, ratio gateway/CLI (target ≤ 1.0);</li>
 * <li><b>reconcile</b>: 50 running workloads, the gateway killed with SIGKILL and started again:
 * time from process spawn (and from ready) until all 50 are reported running with the very same
 * containers (target ≤ 3 s);</li>
 * <li><b>overhead per supervised container</b>: gateway heap after a full GC and thread count with
 * 50 workloads minus with none, divided by 50;</li>
 * <li><b>vision throughput</b>: container fps / host fps of the same app
 * (ml-workloads/vision/src/bench/throughput.sh, target ≥ 0.95).</li>
 * </ul>
 *
 * System properties: {@code bench.rounds} (10 start rounds), {@code bench.workloads} (50; 0 skips the reconcile run),
 * {@code bench.reconcile.rounds} (3), {@code bench.vision.rounds} (3, 0 skips the vision run),
 * {@code bench.vision.frames} (400).
 */
public final class WorkloadBenchmark {
    private static final String ACCOUNT = "acme";
    private static final String CLIENT_ID = "gw-wl-bench";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Pattern START_EVENT = Pattern.compile("^(\\S+) (\\d+)$");

    private final GatewayProcess gateway;
    private final CloudBroker broker;
    private final String gatewayId;
    private final Map<String, Long> startEvents = new ConcurrentHashMap<>();
    private Process events;

    private WorkloadBenchmark(GatewayProcess gateway, CloudBroker broker, String gatewayId) {
        this.gateway = gateway;
        this.broker = broker;
        this.gatewayId = gatewayId;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks");
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("hybridge-workload-bench");
        Docker.busybox();
        Map<String, Object> report = new LinkedHashMap<>();
        try (CloudBroker broker = CloudBroker.start(work.resolve("broker"));
                GatewayProcess gateway = GatewayProcess.install(work, "gw")
                        .env("HYBRIDGE_CLOUD_URI", broker.uri())
                        .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                        .env("HYBRIDGE_CLIENT_ID", CLIENT_ID)
                        .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                        .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD)) {
            gateway.startAndAwaitReady();
            Wait.until("gateway connected to the cloud", Duration.ofSeconds(30), () -> gateway.health()
                    .path("subsystems").path("cloud").path("details").path("connected").asBoolean() ? true : null);
            String gatewayId = Files.readString(gateway.home().resolve("var/workloads/gateway-id")).trim();
            WorkloadBenchmark bench = new WorkloadBenchmark(gateway, broker, gatewayId);
            try {
                bench.watchStartEvents();
                report.put("startLatency", bench.startLatency(Integer.getInteger("bench.rounds", 10)));
                int count = Integer.getInteger("bench.workloads", 50);
                if (count > 0) {
                    report.put("reconcile", bench.reconcile(count, Integer.getInteger("bench.reconcile.rounds", 3)));
                }
            } finally {
                bench.close();
            }
        }
        int visionRounds = Integer.getInteger("bench.vision.rounds", 3);
        if (visionRounds > 0) {
            report.put("vision", vision(out, visionRounds, Integer.getInteger("bench.vision.frames", 400)));
        }
        report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ", Java " + System.getProperty("java.version") + ", Docker "
                + Docker.run("docker", "version", "--format", "{{.Server.Version}}").output().trim());
        report.put("when", Instant.now().toString());
        JSON.writeValue(out.resolve("workloads.json").toFile(), report);
        System.out.println("[bench] results in " + out.resolve("workloads.json"));
        System.out.println(JSON.writeValueAsString(report));
    }

    // ---- start latency ---------------------------------------------------------------------

    /** Records each container start event's time (ns since the epoch, the engine's clock = ours). */
    private void watchStartEvents() throws IOException {
        events = new ProcessBuilder("docker", "events", "--filter", "type=container", "--filter", "event=start",
                "--format", "{{.Actor.Attributes.name}} {{.TimeNano}}").redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(events.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Matcher m = START_EVENT.matcher(line.trim());
                    if (m.matches()) {
                        startEvents.put(m.group(1), Long.parseLong(m.group(2)));
                    }
                }
            } catch (IOException e) {
                // the events process ended
            }
        }, "docker-events");
        reader.setDaemon(true);
        reader.start();
    }

    private static long nowNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private double awaitStart(String containerName, long since) {
        long at = Wait.until("start event of " + containerName, Duration.ofSeconds(60), () -> startEvents.get(containerName));
        return (at - since) / 1e6;
    }

    private Map<String, Object> startLatency(int rounds) throws Exception {
        List<Double> viaGateway = new ArrayList<>();
        List<Double> viaCli = new ArrayList<>();
        try (KapuaClient kapua = new KapuaClient(broker)) {
            for (int round = -2; round < rounds; round++) { // two warm-up rounds
                boolean gatewayFirst = (round & 1) == 0;
                for (int leg = 0; leg < 2; leg++) {
                    String name = "lat" + (round + 2);
                    if ((leg == 0) == gatewayFirst) {
                        String spec = """
                                {"image": {"reference": "%s", "pullPolicy": "never"}, "command": ["sleep", "3600"],
                                 "restartPolicy": {"mode": "never"}}
                                """.formatted(Docker.BUSYBOX);
                        long since = nowNanos();
                        KapuaClient.Received reply = kapua.request(ACCOUNT, CLIENT_ID, "WORKLOADS-V1", "PUT/workloads/" + name,
                                spec, Duration.ofSeconds(30));
                        if (!Integer.valueOf(200).equals(reply.metric("response.code"))) {
                            throw new AssertionError("PUT workloads/" + name + ": " + reply.metric("response.exception.message"));
                        }
                        double ms = awaitStart("hb-" + gatewayId + "-" + name + "-0", since);
                        if (round >= 0) {
                            viaGateway.add(ms);
                        }
                        kapua.request(ACCOUNT, CLIENT_ID, "WORKLOADS-V1", "DEL/workloads/" + name, null, Duration.ofSeconds(30));
                    } else {
                        String container = "bench-cli-" + name;
                        long since = nowNanos();
                        Docker.Result run = Docker.run("docker", "run", "-d", "--name", container, Docker.BUSYBOX, "sleep", "3600");
                        if (!run.ok()) {
                            throw new AssertionError("docker run: " + run.output());
                        }
                        double ms = awaitStart(container, since);
                        if (round >= 0) {
                            viaCli.add(ms);
                        }
                        Docker.run("docker", "rm", "-f", container);
                    }
                }
            }
        }
        Wait.until("benchmark workloads removed", Duration.ofSeconds(60),
                () -> Docker.containers("io.hybridge.gateway=" + gatewayId).isEmpty());
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rounds", rounds);
        result.put("gatewayMsMedian", median(viaGateway));
        result.put("dockerRunMsMedian", median(viaCli));
        result.put("ratio", round3(median(viaGateway) / median(viaCli)));
        result.put("gatewayMs", viaGateway);
        result.put("dockerRunMs", viaCli);
        result.put("measured", "request sent (WORKLOADS-V1 PUT over the cloud broker / docker run spawned)"
                + " until the engine's start event for the container; the same image and command");
        return result;
    }

    // ---- reconcile and overhead ------------------------------------------------------------

    private Map<String, Object> reconcile(int count, int rounds) throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        Map<String, Object> idle = footprint();
        for (int i = 0; i < count; i++) {
            String name = "fleet" + i;
            Path temp = gateway.home().resolve("deploy/." + name + ".tmp");
            Files.writeString(temp, """
                    {"name": "%s", "image": {"reference": "%s", "pullPolicy": "never"}, "command": ["sleep", "36000"],
                     "resources": {"memoryMiB": 16, "pids": 16}, "restartPolicy": {"mode": "always"}}
                    """.formatted(name, Docker.BUSYBOX));
            Files.move(temp, gateway.home().resolve("deploy/" + name + ".workload.json"));
        }
        long deployed = System.nanoTime();
        Wait.until(count + " workloads running", Duration.ofMinutes(10), () -> runningCount() == count ? true : null);
        result.put("workloads", count);
        result.put("firstStartAllSeconds", round3((System.nanoTime() - deployed) / 1e9));
        Map<String, String> containers = containersByWorkload();
        // steady state: the supervisor's threads of the start burst end after 5 s idle
        Thread.sleep(10_000); // a settle time before a measurement, not a wait for a condition
        Map<String, Object> loaded = footprint();
        result.put("overhead", overhead(idle, loaded, count));

        List<Double> fromSpawn = new ArrayList<>();
        List<Double> fromReady = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            gateway.kill();
            long spawned = System.nanoTime();
            gateway.start();
            gateway.awaitReady();
            long ready = System.nanoTime();
            Wait.until("all " + count + " adopted", Duration.ofSeconds(120), () -> runningCount() == count ? true : null);
            long all = System.nanoTime();
            fromSpawn.add((all - spawned) / 1e6);
            fromReady.add((all - ready) / 1e6);
            if (!containersByWorkload().equals(containers)) {
                throw new AssertionError("reconcile replaced containers instead of adopting them");
            }
        }
        result.put("reconcileFromSpawnMsMedian", median(fromSpawn));
        result.put("reconcileAfterReadyMsMedian", median(fromReady));
        result.put("reconcileFromSpawnMs", fromSpawn);
        result.put("reconcileAfterReadyMs", fromReady);
        result.put("sameContainersAfterEveryRestart", true);
        result.put("measured", "SIGKILL of the gateway, then from spawning the new process (and from /health 200)"
                + " until /health reports every workload running; containers compared by id before and after");
        for (int i = 0; i < count; i++) {
            Files.deleteIfExists(gateway.home().resolve("deploy/fleet" + i + ".workload.json"));
        }
        Wait.until("benchmark workloads removed", Duration.ofMinutes(5),
                () -> Docker.containers("io.hybridge.gateway=" + gatewayId).isEmpty());
        return result;
    }

    private int runningCount() {
        JsonNode workloads = gateway.health().path("subsystems").path("workloads").path("details").path("workloads");
        int running = 0;
        for (JsonNode workload : workloads) {
            if ("running".equals(workload.path("state").asText())) {
                running++;
            }
        }
        return running;
    }

    private Map<String, String> containersByWorkload() {
        Map<String, String> byWorkload = new LinkedHashMap<>();
        Docker.Result listing = Docker.run("docker", "ps", "-a", "--no-trunc", "--filter", "label=io.hybridge.gateway=" + gatewayId,
                "--format", "{{.Label \"io.hybridge.workload\"}} {{.ID}}");
        listing.output().lines().map(String::trim).filter(l -> !l.isEmpty()).sorted()
                .forEach(line -> byWorkload.put(line.substring(0, line.indexOf(' ')), line.substring(line.indexOf(' ') + 1)));
        return byWorkload;
    }

    /** Heap used after a full GC (jcmd) and live threads of the gateway process. */
    private Map<String, Object> footprint() throws Exception {
        long pid = gateway.pid();
        Docker.run("jcmd", Long.toString(pid), "GC.run");
        String heap = Docker.run("jcmd", Long.toString(pid), "GC.heap_info").output();
        Matcher used = Pattern.compile("total (\\d+)K, used (\\d+)K").matcher(heap);
        long usedKiB = 0;
        while (used.find()) {
            usedKiB += Long.parseLong(used.group(2)); // Serial GC: young and old generation lines
        }
        int threads = 0;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).trim());
            }
        }
        Map<String, Object> footprint = new LinkedHashMap<>();
        footprint.put("heapUsedKiB", usedKiB);
        footprint.put("threads", threads);
        return footprint;
    }

    private static Map<String, Object> overhead(Map<String, Object> idle, Map<String, Object> loaded, int count) {
        Map<String, Object> overhead = new LinkedHashMap<>();
        overhead.put("idle", idle);
        overhead.put("with" + count, loaded);
        overhead.put("heapKiBPerContainer", round3(((Long) loaded.get("heapUsedKiB") - (Long) idle.get("heapUsedKiB")) / (double) count));
        overhead.put("threadsPerContainer", round3(((Integer) loaded.get("threads") - (Integer) idle.get("threads")) / (double) count));
        return overhead;
    }

    // ---- vision ------------------------------------------------------------------------------

    private static Object vision(Path out, int rounds, int frames) throws Exception {
        Path script = Path.of("../ml-workloads/vision/src/bench/throughput.sh");
        Process process = new ProcessBuilder("bash", script.toString(), Integer.toString(rounds), Integer.toString(frames))
                .inheritIO().start();
        if (process.waitFor() != 0) {
            throw new AssertionError("vision throughput benchmark failed (exit " + process.exitValue() + ")");
        }
        Path result = Path.of("../ml-workloads/vision/target/benchmarks/vision-throughput.json");
        Files.copy(result, out.resolve("vision-throughput.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return JSON.readTree(result.toFile());
    }

    private void close() {
        if (events != null) {
            events.destroy();
        }
        Docker.removeAll("io.hybridge.gateway=" + gatewayId);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? round3(sorted.get(n / 2)) : round3((sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2);
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
