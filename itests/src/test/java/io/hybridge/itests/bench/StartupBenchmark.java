package io.hybridge.itests.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.launch.FrameworkFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.hybridge.itests.support.GatewayProcess;

/**
 * Start-up benchmark: time from process start to ready and idle resident memory, for the
 * Hybridge distribution and, in the same run and interleaved with it, for the floor (bare
 * Felix + SCR + Config Admin, {@link FloorLauncher}). Ready for Hybridge means {@code /health}
 * answers 200 <em>and</em> the local broker accepts an authenticated MQTT CONNECT. Both are
 * measured from outside, from the moment the process is spawned. Medians, because this
 * machine is shared and noisy; the ratio to the floor is the figure to compare.
 *
 * <p>Two cases: <b>first boot</b> (a fresh installation, empty framework cache) and
 * <b>restart</b> (an installation that has run before: bundles cached, and for Hybridge the
 * class-data-sharing archive written at its first clean stop).
 */
public final class StartupBenchmark {

    private static final String BENCH_USER = "bench";
    private static final String BENCH_PASSWORD = "bench-pass";
    private static final Duration IDLE_SETTLE = Duration.ofSeconds(Long.getLong("bench.idle.seconds", 10));

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks");
        int rounds = Integer.getInteger("bench.rounds", 7);
        Path work = Files.createTempDirectory("hybridge-bench");
        Files.createDirectories(out);

        Map<String, List<Double>> samples = new LinkedHashMap<>();
        for (String key : List.of("hybridge.firstBoot.readyMs", "hybridge.restart.readyMs", "hybridge.idleRssMiB",
                "floor.firstBoot.readyMs", "floor.restart.readyMs", "floor.idleRssMiB", "floorDefaultJvm.restart.readyMs")) {
            samples.put(key, new ArrayList<>());
        }
        for (int round = 1; round <= rounds; round++) {
            Path floorStorage = work.resolve("floor-" + round);
            samples.get("floor.firstBoot.readyMs").add(floor(floorStorage, false, true)[0]);
            GatewayProcess gateway = install(work, "gw-" + round);
            samples.get("hybridge.firstBoot.readyMs").add(hybridge(gateway, false)[0]);
            double[] floorRestart = floor(floorStorage, true, true);
            samples.get("floorDefaultJvm.restart.readyMs").add(floor(floorStorage, false, false)[0]);
            samples.get("floor.restart.readyMs").add(floorRestart[0]);
            samples.get("floor.idleRssMiB").add(floorRestart[1]);
            double[] restart = hybridge(gateway, true);
            samples.get("hybridge.restart.readyMs").add(restart[0]);
            samples.get("hybridge.idleRssMiB").add(restart[1]);
            System.out.printf("[bench] round %d/%d: hybridge first %.0f ms, restart %.0f ms, rss %.1f MiB; "
                    + "floor first %.0f ms, restart %.0f ms, rss %.1f MiB%n", round, rounds,
                    last(samples, "hybridge.firstBoot.readyMs"), restart[0], restart[1],
                    last(samples, "floor.firstBoot.readyMs"), floorRestart[0], floorRestart[1]);
        }

        Map<String, Object> medians = new LinkedHashMap<>();
        samples.forEach((key, values) -> medians.put(key, round1(median(values))));
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("restart", round2(median(samples.get("hybridge.restart.readyMs")) / median(samples.get("floor.restart.readyMs"))));
        ratios.put("firstBoot", round2(median(samples.get("hybridge.firstBoot.readyMs")) / median(samples.get("floor.firstBoot.readyMs"))));
        ratios.put("restartVsFloorWithDefaultJvm", round2(median(samples.get("hybridge.restart.readyMs"))
                / median(samples.get("floorDefaultJvm.restart.readyMs"))));

        Map<String, Object> report = new LinkedHashMap<>();
        report.put("benchmark", "startup");
        report.put("date", Instant.now().toString());
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(),
                "java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
                "os", System.getProperty("os.name") + " " + System.getProperty("os.version")));
        report.put("rounds", rounds);
        report.put("targets", Map.of("readyRatioToFloor", 2.5, "idleRssMiB", 160));
        report.put("medians", medians);
        report.put("ratioToFloor", ratios);
        report.put("samples", samples);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("startup.json").toFile(), report);

        String summary = String.format("""
                Start-up benchmark (%d rounds, medians; %s)
                                      Hybridge    floor (Felix+SCR+CM)   ratio
                  first boot ready   %7.0f ms   %7.0f ms              %.2fx
                  restart ready      %7.0f ms   %7.0f ms              %.2fx   (target <= 2.5x)
                  idle RSS           %7.1f MiB  %7.1f MiB                      (target <= 160 MiB)
                  restart ready vs the floor on JVM defaults (%.0f ms): %.2fx
                """, rounds, report.get("date"),
                median(samples.get("hybridge.firstBoot.readyMs")), median(samples.get("floor.firstBoot.readyMs")), ratios.get("firstBoot"),
                median(samples.get("hybridge.restart.readyMs")), median(samples.get("floor.restart.readyMs")), ratios.get("restart"),
                median(samples.get("hybridge.idleRssMiB")), median(samples.get("floor.idleRssMiB")),
                median(samples.get("floorDefaultJvm.restart.readyMs")), ratios.get("restartVsFloorWithDefaultJvm"));
        Files.writeString(out.resolve("startup.txt"), summary);
        System.out.println(summary);
        System.out.println("[bench] results in " + out.resolve("startup.json"));
    }

    private static GatewayProcess install(Path work, String name) throws IOException {
        GatewayProcess gateway = GatewayProcess.install(work, name);
        Files.writeString(gateway.home().resolve("etc/config/io.hybridge.broker.account-bench.config"),
                "username=\"" + BENCH_USER + "\"\npassword=\"" + BENCH_PASSWORD + "\"\npublish=[\"bench/#\"]\n");
        gateway.env("HYBRIDGE_ADMIN_PASSWORD", "bench-admin");
        return gateway;
    }

    /** Returns {ready ms, idle RSS MiB (only when measureRss)}. */
    private static double[] hybridge(GatewayProcess gateway, boolean measureRss) throws Exception {
        long spawned = System.nanoTime();
        gateway.start();
        boolean healthy = false;
        boolean brokerAccepts = false;
        long deadline = spawned + TimeUnit.SECONDS.toNanos(60);
        while (!(healthy && brokerAccepts)) {
            if (System.nanoTime() > deadline || !gateway.alive()) {
                throw new IllegalStateException("gateway did not become ready:\n" + gateway.consoleLog());
            }
            if (!healthy) {
                healthy = healthStatus(gateway.httpPort()) == 200;
            }
            if (healthy && !brokerAccepts) {
                brokerAccepts = mqttConnectAccepted(gateway.mqttPort());
            }
            if (!(healthy && brokerAccepts)) {
                Thread.sleep(5); // polling interval of the measurement
            }
        }
        double readyMs = (System.nanoTime() - spawned) / 1e6;
        double rss = measureRss ? idleRss(gateway.pid()) : 0;
        gateway.stop();
        return new double[] {readyMs, rss};
    }

    /**
     * The floor: with {@code tuned}, the JVM options bin/hybridge uses (heap, GC, C1, code
     * cache, stacks) and, like Hybridge, its own class-data-sharing archive from its first
     * clean stop; without, a bare {@code java -cp} launch on the JVM's defaults.
     */
    private static double[] floor(Path storage, boolean measureRss, boolean tuned) throws Exception {
        Path bundles = GatewayProcess.distribution().resolve("bundles");
        Path archive = storage.resolveSibling(storage.getFileName() + ".jsa");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (tuned) {
            command.addAll(List.of("-Xms16m", "-Xmx128m", "-XX:+UseSerialGC", "-XX:MaxMetaspaceSize=128m",
                    "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=64m", "-Xss512k", "-XX:-UsePerfData",
                    "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                    Files.exists(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + archive));
        }
        command.addAll(List.of(
                "-cp", classpathOf(FrameworkFactory.class) + ":" + classpathOf(FloorLauncher.class),
                FloorLauncher.class.getName(), storage.toString()));
        for (String jar : List.of("org/osgi/org.osgi.util.function/1.2.0/org.osgi.util.function-1.2.0.jar",
                "org/osgi/org.osgi.util.promise/1.3.0/org.osgi.util.promise-1.3.0.jar",
                "org/osgi/org.osgi.service.component/1.5.1/org.osgi.service.component-1.5.1.jar",
                "org/apache/felix/org.apache.felix.configadmin/1.9.26/org.apache.felix.configadmin-1.9.26.jar",
                "org/apache/felix/org.apache.felix.scr/2.2.18/org.apache.felix.scr-2.2.18.jar")) {
            command.add(bundles.resolve(jar).toString());
        }
        long spawned = System.nanoTime();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("READY")) {
                System.out.println("[floor] " + line);
            }
            if (line == null) {
                throw new IllegalStateException("floor launch failed");
            }
            double readyMs = (System.nanoTime() - spawned) / 1e6;
            double rss = measureRss ? idleRss(process.pid()) : 0;
            process.destroy();
            process.waitFor(20, TimeUnit.SECONDS);
            return new double[] {readyMs, rss};
        }
    }

    /**
     * GET /health over a plain socket: the harness shares the machine's two cores with the
     * gateway it measures, so its polling must cost next to nothing.
     */
    static int healthStatus(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write("GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] status = socket.getInputStream().readNBytes(12); // "HTTP/1.1 200"
            return status.length == 12 ? Integer.parseInt(new String(status, 9, 3, StandardCharsets.US_ASCII)) : -1;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Minimal MQTT 3.1.1 CONNECT with credentials; true on CONNACK return code 0. */
    static boolean mqttConnectAccepted(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            socket.setSoTimeout(2000);
            byte[] payload = concat(utf8("bench-probe"), utf8(BENCH_USER), utf8(BENCH_PASSWORD));
            byte[] variable = {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 30};
            int remaining = variable.length + payload.length;
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x10, (byte) remaining});
            out.write(variable);
            out.write(payload);
            out.write(new byte[] {(byte) 0xE0, 0}); // DISCONNECT after the CONNACK is read below
            InputStream in = socket.getInputStream();
            byte[] connack = in.readNBytes(4);
            return connack.length == 4 && connack[0] == 0x20 && connack[3] == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static double idleRss(long pid) throws Exception {
        Thread.sleep(IDLE_SETTLE.toMillis()); // "idle" means after the start-up work has settled
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024.0;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    private static String classpathOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static byte[] utf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) (bytes.length >> 8), (byte) bytes.length}, bytes);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double last(Map<String, List<Double>> samples, String key) {
        List<Double> values = samples.get(key);
        return values.get(values.size() - 1);
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
