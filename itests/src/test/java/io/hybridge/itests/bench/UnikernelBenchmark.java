package io.hybridge.itests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.hybridge.itests.support.Docker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Unikernels;
import io.hybridge.itests.support.Wait;

/**
 * Unikernel-workload benchmark, each figure against its baseline in the same run:
 *
 * <ul>
 * <li><b>boot-to-ready</b>: the telemetry task's first MQTT message ({@code ready} on
 * {@code telemetry/status}) after a spec is dropped into the gateway's deploy/ folder (image already
 * in the gateway's cache), against a bare {@code qemu-system-x86_64} launch of the same kernel and
 * initramfs with the same machine, accelerator and memory, publishing to the same broker;
 * interleaved rounds, medians, ratio gateway/bare (target ≤ 1.1);</li>
 * <li><b>resident memory</b>: the VMM's RSS with the task running against the RSS of the same task's
 * JVM in its container image, and the sizes of both images.</li>
 * </ul>
 *
 * System properties: {@code bench.rounds} (5), {@code bench.accelerator} ({@code tcg}; {@code kvm} on
 * a machine where KVM works: the gateway's runtime is configured the same way).
 */
public final class UnikernelBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final String ADMIN_PASSWORD = "bench-admin-pass";
    private static final java.util.regex.Pattern GUEST_UPTIME = java.util.regex.Pattern.compile("\"systemUptimeMs\":(\\d+)");
    private final java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    /** The guest's own uptime when it said ready, per path: how much of a boot is the guest's. */
    private final List<Double> gatewayGuestUptimeMs = new ArrayList<>();
    private final List<Double> bareGuestUptimeMs = new ArrayList<>();
    /** The unikernel runtime's default TCG translation cache (tcgTranslationCacheMiB); the bare launch uses the same. */
    private static final int TB_SIZE_MIB = 64;

    private final GatewayProcess gateway;
    private final String accelerator;
    private final Path work;

    private UnikernelBenchmark(GatewayProcess gateway, String accelerator, Path work) {
        this.gateway = gateway;
        this.accelerator = accelerator;
        this.work = work;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks");
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("hybridge-unikernel-bench");
        String accelerator = System.getProperty("bench.accelerator", "tcg");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("accelerator", accelerator);
        try (GatewayProcess gateway = GatewayProcess.install(work, "gw").env("HYBRIDGE_ADMIN_PASSWORD", ADMIN_PASSWORD)) {
            gateway.startAndAwaitReady();
            UnikernelBenchmark bench = new UnikernelBenchmark(gateway, accelerator, work);
            bench.configure();
            report.put("bootToReady", bench.bootToReady(Integer.getInteger("bench.rounds", 5)));
            report.put("memory", bench.memory());
        }
        report.put("images", images());
        report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name") + " "
                + System.getProperty("os.version") + ", Java " + System.getProperty("java.version") + ", "
                + run("/usr/bin/qemu-system-x86_64", "--version").lines().findFirst().orElse("qemu ?")
                + ", load average " + Files.readString(Path.of("/proc/loadavg")).trim());
        report.put("when", Instant.now().toString());
        JSON.writeValue(out.resolve("unikernel.json").toFile(), report);
        System.out.println("[bench] results in " + out.resolve("unikernel.json"));
        System.out.println(JSON.writeValueAsString(report));
    }

    private void configure() throws Exception {
        writeDeploy("io.hybridge.runtime.unikernel.config", "accelerator=\"" + accelerator + "\"\n");
        writeDeploy("io.hybridge.broker.account-bench.config", """
                username="bench"
                password="bench-pass"
                publish=["telemetry/#"]
                subscribe=["telemetry/#", "sensors/#"]
                """);
        Wait.until("bench account accepted", Duration.ofSeconds(60),
                () -> Mosquitto.publish(gateway.mqttPort(), "bench", "bench-pass", "telemetry/probe", "-", 0).ok());
    }

    // ---- boot to ready --------------------------------------------------------------------

    private Map<String, Object> bootToReady(int rounds) throws Exception {
        Path archive = Unikernels.telemetryArchive();
        // warm-up: the image enters the gateway's cache and the page cache; not measured
        String warm = spec("bench-warmup", archive, 0);
        viaGateway("bench-warmup", warm);
        List<Double> gatewayMs = new ArrayList<>();
        List<Double> bareMs = new ArrayList<>();
        List<Double> limitedMs = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double g = viaGateway("bench-" + round, spec("bench-" + round, archive, 0));
            double b = bare(round);
            double l = viaGateway("bench-cpu-" + round, spec("bench-cpu-" + round, archive, 1.0));
            gatewayMs.add(g);
            bareMs.add(b);
            limitedMs.add(l);
            System.out.printf("[unikernel-bench] round %d/%d: gateway %.0f ms, bare qemu %.0f ms, gateway with resources.cpus 1.0 %.0f ms%n",
                    round, rounds, g, b, l);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("rounds", rounds);
        result.put("gatewayMsMedian", round1(median(gatewayMs)));
        result.put("bareQemuMsMedian", round1(median(bareMs)));
        result.put("ratio", round3(median(gatewayMs) / median(bareMs)));
        result.put("gatewayMs", gatewayMs);
        result.put("bareQemuMs", bareMs);
        result.put("measured", "from PUT /api/workloads/<name> (image cached) / spawning"
                + " qemu-system-x86_64 until the task's first MQTT message (ready on its status topic) arrives at a subscriber on"
                + " the gateway's local broker; the same kernel, initramfs, machine (microvm), accelerator and translation cache"
                + " (tb-size " + TB_SIZE_MIB + " MiB, the runtime's default), 1 vCPU, 256 MiB, no CPU quota on either side");
        result.put("guestUptimeAtReadyMsMedian", Map.of("gateway", round1(median(gatewayGuestUptimeMs)),
                "bare", round1(median(bareGuestUptimeMs))));
        result.put("gatewayCpuLimitedMsMedian", round1(median(limitedMs)));
        result.put("cpuLimitedOverUnlimited", round3(median(limitedMs) / median(gatewayMs)));
        result.put("gatewayCpuLimitedMs", limitedMs);
        result.put("cpuLimitedMeasured", "the same through the gateway with resources.cpus 1.0: the VMM's cgroup quota of one CPU"
                + " covers QEMU's own threads (main loop, I/O) besides the vCPU, which TCG makes busy during boot");
        return result;
    }

    /** resources.cpus 0 = no CPU quota on the VMM (like the bare launch); 1.0 = one CPU for the whole VMM process. */
    private String spec(String name, Path archive, double cpus) {
        return """
                {"name": "%s", "runtime": "unikernel",
                 "image": {"reference": "hybridge-itest/telemetry:%s", "pullPolicy": "if-not-present", "archive": "%s"},
                 "resources": {"cpus": %s, "memoryMiB": 256},
                 "env": {"TELEMETRY_STATUS_TOPIC": "telemetry/%s/status", "TELEMETRY_OUTPUT_TOPIC": "telemetry/%s/stats"},
                 "restartPolicy": {"mode": "never"},
                 "bus": {"publish": ["telemetry/#"], "subscribe": ["sensors/+/telemetry"]}}
                """.formatted(name, Unikernels.telemetryTag(), archive, cpus, name, name);
    }

    /**
     * PUTs the spec to the gateway's workload API (/api/workloads: the same path as deploy/ files
     * and WORKLOADS-V1 end in, without FileInstall's 1 s poll), waits for the ready message,
     * removes the workload again.
     */
    private double viaGateway(String name, String spec) throws Exception {
        try (Mosquitto.Subscription ready = Mosquitto.subscribe(gateway.mqttPort(), "bench", "bench-pass", 200,
                "telemetry/" + name + "/status")) {
            awaitSubscribed(ready, "telemetry/" + name + "/status");
            long start = System.nanoTime();
            api("PUT", name, spec);
            String line = Wait.until(name + " ready through the gateway", BOOT,
                    () -> ready.lines().stream().filter(l -> l.contains("\"ready\"")).findFirst().orElse(null));
            double ms = (System.nanoTime() - start) / 1e6;
            guestUptime(line).ifPresent(gatewayGuestUptimeMs::add);
            api("DELETE", name, null);
            Wait.until(name + " removed", Duration.ofSeconds(60),
                    () -> Unikernels.vmmProcesses("-" + name + "-").isEmpty() ? true : null);
            return ms;
        }
    }

    private void api(String method, String name, String body) throws IOException, InterruptedException {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(gateway.url("/api/workloads/" + name))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(("admin:" + ADMIN_PASSWORD).getBytes()))
                .header("Content-Type", "application/json");
        request = body == null ? request.DELETE() : request.method(method, java.net.http.HttpRequest.BodyPublishers.ofString(body));
        java.net.http.HttpResponse<String> response = http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(method + " /api/workloads/" + name + ": " + response.statusCode() + " " + response.body());
        }
    }

    private static java.util.Optional<Double> guestUptime(String readyLine) {
        java.util.regex.Matcher m = GUEST_UPTIME.matcher(readyLine == null ? "" : readyLine);
        return m.find() ? java.util.Optional.of(Double.parseDouble(m.group(1))) : java.util.Optional.empty();
    }

    /** The same image booted by hand, the way ml-workloads/telemetry/README.md shows. */
    private double bare(int round) throws Exception {
        Properties image = microvmImage();
        String topic = "telemetry/bare-" + round + "/status";
        StringBuilder append = new StringBuilder(image.getProperty("cmdline"));
        if ("tcg".equals(accelerator)) {
            append.append(' ').append(tscParameter());
        }
        append.append(" hybridge.env.MQTT_URI=tcp://10.0.2.100:1883 hybridge.env.MQTT_USERNAME=bench")
                .append(" hybridge.env.MQTT_PASSWORD=bench-pass hybridge.env.MQTT_CLIENT_ID=bare-").append(round)
                .append(" hybridge.env.TELEMETRY_STATUS_TOPIC=").append(topic);
        List<String> command = List.of("/usr/bin/qemu-system-x86_64", "-M", "microvm", "-accel",
                "tcg".equals(accelerator) ? "tcg,tb-size=" + TB_SIZE_MIB : accelerator, "-cpu",
                "tcg".equals(accelerator) ? "max" : "host", "-smp", "1", "-m", "256",
                "-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-serial", "file:" + work.resolve("bare-" + round + ".log"),
                "-kernel", image.getProperty("kernel"), "-initrd", image.getProperty("initrd"), "-append", append.toString(),
                // the forward the runtime uses: a socat relay per guest connection (QEMU's own chardev
                // forward is one connection opened at start, which the broker may close before a slow
                // TCG guest gets to it)
                "-netdev", "user,id=n0,restrict=on,guestfwd=tcp:10.0.2.100:1883-cmd:/usr/bin/socat - TCP:127.0.0.1:" + gateway.mqttPort(),
                "-device", "virtio-net-device,netdev=n0");
        try (Mosquitto.Subscription ready = Mosquitto.subscribe(gateway.mqttPort(), "bench", "bench-pass", 200, topic)) {
            awaitSubscribed(ready, topic);
            long start = System.nanoTime();
            Process qemu = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(work.resolve("bare-" + round + ".qemu.log").toFile()).start();
            try {
                String line = Wait.until("bare VM " + round + " ready", BOOT,
                        () -> ready.lines().stream().filter(l -> l.contains("\"ready\"")).findFirst().orElse(null));
                double ms = (System.nanoTime() - start) / 1e6;
                guestUptime(line).ifPresent(bareGuestUptimeMs::add);
                return ms;
            } finally {
                qemu.destroyForcibly().waitFor();
            }
        }
    }

    // ---- memory ----------------------------------------------------------------------------

    private Map<String, Object> memory() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        viaGatewayKeep("bench-rss");
        long vmm = Wait.until("the VMM of bench-rss", Duration.ofSeconds(30), () -> {
            List<Long> pids = Unikernels.vmmProcesses("-bench-rss-");
            return pids.size() == 1 ? pids.get(0) : null;
        });
        Thread.sleep(10_000); // steady state: the task has published heartbeats, the JIT settled
        result.put("vmmRssKiB", rssKiB(vmm));
        Files.delete(gateway.home().resolve("deploy/bench-rss.workload.json"));

        String tag = containerTag();
        if (tag != null) {
            String name = "hb-bench-telemetry-" + ProcessHandle.current().pid();
            Docker.Result started = Docker.run("docker", "run", "-d", "--rm", "--name", name, "--network", "host", "--read-only",
                    "-e", "MQTT_URI=tcp://127.0.0.1:" + gateway.mqttPort(), "-e", "MQTT_USERNAME=bench", "-e", "MQTT_PASSWORD=bench-pass",
                    "-e", "TELEMETRY_STATUS_TOPIC=telemetry/container/status", tag);
            try {
                if (!started.ok()) {
                    throw new IllegalStateException("docker run " + tag + ": " + started.output());
                }
                long pid = Long.parseLong(Docker.inspect(name, "{{.State.Pid}}").trim());
                Thread.sleep(10_000);
                long containerRss = rssKiB(pid);
                result.put("containerJvmRssKiB", containerRss);
                result.put("vmmOverContainer", round3((double) (long) result.get("vmmRssKiB") / containerRss));
            } finally {
                Docker.run("docker", "rm", "-f", name);
            }
        } else {
            result.put("containerJvmRssKiB", "no container image hybridge/telemetry:* in the engine");
        }
        result.put("measured", "VmRSS of the QEMU process with the task running 10 s after ready, against VmRSS of the task's JVM"
                + " in its container (same task, same settings) 10 s after start");
        return result;
    }

    private void viaGatewayKeep(String name) throws Exception {
        try (Mosquitto.Subscription ready = Mosquitto.subscribe(gateway.mqttPort(), "bench", "bench-pass", 200,
                "telemetry/" + name + "/status")) {
            awaitSubscribed(ready, "telemetry/" + name + "/status");
            writeDeploy(name + ".workload.json", spec(name, Unikernels.telemetryArchive(), 0));
            Wait.until(name + " ready", BOOT, () -> ready.lines().stream().anyMatch(line -> line.contains("\"ready\"")) ? true : null);
        }
    }

    private static Map<String, Object> images() throws IOException {
        Map<String, Object> result = new LinkedHashMap<>();
        Properties image = microvmImage();
        long kernel = Files.size(Path.of(image.getProperty("kernel")));
        long initrd = Files.size(Path.of(image.getProperty("initrd")));
        result.put("microvmKernelBytes", kernel);
        result.put("microvmInitrdBytes", initrd);
        result.put("microvmOciTarBytes", Files.size(Unikernels.telemetryArchive()));
        String tag = containerTag();
        if (tag != null) {
            result.put("containerImage", tag);
            result.put("containerImageBytes", Long.parseLong(Docker.run("docker", "image", "inspect", "--format", "{{.Size}}", tag)
                    .output().trim()));
        }
        return result;
    }

    private static String containerTag() {
        Docker.Result images = Docker.run("docker", "images", "--format", "{{.Repository}}:{{.Tag}}", "hybridge/telemetry");
        return images.ok() ? images.output().lines().filter(l -> !l.isBlank() && !l.endsWith(":<none>")).findFirst().orElse(null) : null;
    }

    private static Properties microvmImage() throws IOException {
        Path file = Path.of("../ml-workloads/telemetry/target/microvm-image.properties");
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    private static long rssKiB(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    private static String tscParameter() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("cpu MHz")) {
                return "tsc_early_khz=" + Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1000);
            }
        }
        return "";
    }

    /** mosquitto_sub prints nothing once subscribed: a probe it prints proves the subscription is in place. */
    private void awaitSubscribed(Mosquitto.Subscription subscription, String topic) {
        Wait.until("subscription to " + topic, Duration.ofSeconds(20), () -> {
            Mosquitto.publish(gateway.mqttPort(), "bench", "bench-pass", topic, "probe", 0);
            return subscription.lines().stream().anyMatch(line -> line.endsWith(" probe")) ? true : null;
        });
    }

    private void writeDeploy(String file, String content) throws IOException {
        Path temp = gateway.home().resolve("deploy/." + file + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, gateway.home().resolve("deploy/" + file), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return output;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Double::compare);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double round1(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double round3(double value) {
        return Math.round(value * 1000) / 1000.0;
    }
}
