package io.hybridge.fleet.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.jr.ob.JSON;
import io.hybridge.fleet.FleetManager;
import io.hybridge.fleet.rollout.EngineSettings;
import io.hybridge.fleet.rollout.ErrorAction;
import io.hybridge.fleet.rollout.RolloutRequest;
import io.hybridge.fleet.rollout.RolloutService;
import io.hybridge.fleet.rollout.RolloutState;
import io.hybridge.fleet.rollout.Target;
import io.hybridge.fleet.rollout.Unit;
import io.hybridge.fleet.sign.UnitKeys;
import io.hybridge.fleet.sim.SimBehaviour;
import io.hybridge.fleet.sim.SimulatedFleet;
import io.hybridge.fleet.store.FleetStore;
import io.hybridge.fleet.wire.MqttSettings;

/**
 * Times a rollout of a signed unit (5 MiB by default) to N simulated gateways (1,000 by default)
 * in waves through a real broker, and writes JSON: time per wave, total, p50/p95 of the
 * per-gateway time from request to outcome.
 *
 * <pre>java -cp ... io.hybridge.fleet.bench.RolloutBenchmark &lt;broker-uri&gt; &lt;work-dir&gt; &lt;out.json&gt; [gateways] [MiB] [waves] [download-fraction] [db-url]</pre>
 */
public final class RolloutBenchmark {

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: RolloutBenchmark <broker-uri> <work-dir> <out.json> [gateways=1000] [MiB=5] [waves=1,10%,50%,100%] [download-fraction=1] [db-url]");
            System.exit(2);
        }
        Map<String, Object> result = run(args[0], Path.of(args[1]), args.length > 3 ? Integer.parseInt(args[3]) : 1000,
                args.length > 4 ? Integer.parseInt(args[4]) : 5, args.length > 5 ? args[5] : "1,10%,50%,100%",
                args.length > 6 ? Double.parseDouble(args[6]) : 1.0, args.length > 7 ? args[7] : null);
        Files.writeString(Path.of(args[2]), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(result));
        System.out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(result));
    }

    public static Map<String, Object> run(String broker, Path dir, int gateways, int mib, String waves, double downloadFraction,
            String dbUrl) throws Exception {
        Files.createDirectories(dir);
        Path unitFile = dir.resolve("bench-unit-" + mib + "MiB.jar");
        byte[] content = new byte[mib * 1024 * 1024];
        new Random(42).nextBytes(content);
        Files.write(unitFile, content);
        Path keyFile = dir.resolve("bench-" + System.nanoTime() + ".key");
        UnitKeys.generate().write(keyFile, dir.resolve(keyFile.getFileName().toString().replace(".key", ".pub")));
        UnitKeys keys = UnitKeys.readPrivate(keyFile);

        Map<String, Object> out = new LinkedHashMap<>();
        long t0 = System.nanoTime();
        try (FleetStore store = FleetStore.open(dbUrl != null ? dbUrl : FleetStore.h2Url(dir.resolve("db-" + System.nanoTime())), null, null);
                SimulatedFleet sims = new SimulatedFleet(broker, "bench", "bench", gateways, Map.of("io.bench.unit", "1.0.0"),
                        SimBehaviour.healthy().downloading(downloadFraction, 1.0).installTaking(Duration.ofMillis(50))
                                .trusting(keys.publicKey()), 16);
                FleetManager manager = new FleetManager(store, new MqttSettings(broker, "bench-fleet-" + System.nanoTime() % 100000, null, null),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, EngineSettings.defaults()).start()) {
            sims.connect(null, null);
            out.put("connectSeconds", secs(System.nanoTime() - t0));
            await(() -> store.gateways().size() >= gateways, Duration.ofMinutes(5), "inventory of " + gateways);
            RolloutService service = manager.rollouts("bench");
            Unit unit = service.addFile(unitFile, "io.bench.unit", "2.0.0", keys, "bundle");
            long id = service.create(RolloutRequest.of("benchmark", unit.id(), "query:account=bench").withWaves(waves)
                    .withThresholds(100, 0, ErrorAction.PAUSE).withConcurrency(Math.max(100, gateways)).withGatewayTimeout(Duration.ofMinutes(10)));
            long start = System.currentTimeMillis();
            service.start(id);
            await(() -> !service.get(id).state().equals(RolloutState.RUNNING), Duration.ofMinutes(30), "rollout end");
            long end = System.currentTimeMillis();
            List<Target> targets = service.status(id).targets();
            out.put("gateways", gateways);
            out.put("unitBytes", content.length);
            out.put("waves", waves);
            out.put("downloadFraction", downloadFraction);
            out.put("database", store.url().startsWith("jdbc:h2") ? "h2" : "postgresql");
            out.put("state", service.get(id).state().name());
            out.put("succeeded", targets.stream().filter(t -> t.state().success()).count());
            out.put("totalSeconds", (end - start) / 1000.0);
            List<Map<String, Object>> perWave = new ArrayList<>();
            int waveCount = targets.stream().mapToInt(Target::wave).max().orElse(-1) + 1;
            for (int w = 0; w < waveCount; w++) {
                int wave = w;
                List<Target> in = targets.stream().filter(t -> t.wave() == wave).toList();
                long first = in.stream().mapToLong(Target::dispatched).filter(x -> x > 0).min().orElse(0);
                long last = in.stream().mapToLong(Target::finished).max().orElse(0);
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("wave", w + 1);
                m.put("gateways", in.size());
                m.put("seconds", (last - first) / 1000.0);
                perWave.add(m);
            }
            out.put("perWave", perWave);
            long[] durations = targets.stream().mapToLong(Target::durationMillis).filter(d -> d >= 0).sorted().toArray();
            out.put("perGatewayP50Seconds", durations.length == 0 ? 0 : durations[durations.length / 2] / 1000.0);
            out.put("perGatewayP95Seconds", durations.length == 0 ? 0 : durations[Math.min(durations.length - 1, (int) (durations.length * 0.95))] / 1000.0);
            out.put("filesServed", manager.files().served());
        }
        return out;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
            }
            LockSupport.parkNanos(100_000_000L);
        }
    }

    private static double secs(long nanos) {
        return Math.round(nanos / 1e6) / 1000.0;
    }
}
