package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hybridge.imagetools.OciImageLayout;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Unikernels;
import io.hybridge.itests.support.Wait;

/**
 * Unikernel workloads end to end: the telemetry task (Tablesaw, ml-workloads/telemetry) pulled by
 * digest from the loopback registry (the unikernel hub), booted as a microVM under real QEMU (TCG),
 * fed telemetry through the gateway's local broker; the VMM killed, a crash loop, a kill -9 of the
 * gateway, and bad images.
 */
class UnikernelWorkloadsIT {
    /** A TCG boot of the JVM task takes ~11 s on an idle 2-core machine; several at once and load stretch it. */
    private static final Duration BOOT = Duration.ofSeconds(150);
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private GatewayProcess gateway;
    private String gatewayId;

    @BeforeEach
    void startGateway() throws Exception {
        Unikernels.require();
        Mosquitto.require();
        Unikernels.pushTelemetry();
        gateway = GatewayProcess.install(dir, "gw").startAndAwaitReady();
        gatewayId = Wait.until("the gateway id", DEADLINE, () -> {
            Path file = gateway.home().resolve("var/workloads/gateway-id");
            try {
                return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
            } catch (IOException e) {
                return null;
            }
        });
        writeConfig("io.hybridge.runtime.unikernel.registry-itest", Unikernels.registryCredentialsConfig(Unikernels.REGISTRY_PASSWORD));
        writeConfig("io.hybridge.broker.account-watcher", """
                username="watcher"
                password="watcher-pass"
                subscribe=["telemetry/#"]
                """);
        writeConfig("io.hybridge.broker.account-sensor", """
                username="sensor"
                password="sensor-pass"
                publish=["sensors/#"]
                """);
        Wait.until("accounts accepted by the broker", DEADLINE,
                () -> Mosquitto.publish(gateway.mqttPort(), "sensor", "sensor-pass", "sensors/probe/telemetry", "{}", 0).ok()
                        && Mosquitto.publish(gateway.mqttPort(), "watcher", "watcher-pass", "telemetry/probe", "-", 0).ok());
    }

    @AfterEach
    void cleanUp() {
        if (gateway != null) {
            gateway.close();
        }
        if (gatewayId != null) {
            Unikernels.killAll("hb-" + gatewayId + "-");
        }
    }

    private void writeConfig(String name, String content) throws IOException {
        Path temp = gateway.home().resolve("deploy/." + name + ".tmp");
        Files.writeString(temp, content);
        Files.move(temp, gateway.home().resolve("deploy/" + name + ".config"), StandardCopyOption.ATOMIC_MOVE);
    }

    private void deploy(String name, String json) throws IOException {
        Path temp = gateway.home().resolve("deploy/." + name + ".tmp");
        Files.writeString(temp, json);
        Files.move(temp, gateway.home().resolve("deploy/" + name + ".workload.json"),
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private JsonNode workload(String name) {
        return gateway.health().path("subsystems").path("workloads").path("details").path("workloads").path(name);
    }

    private JsonNode awaitState(String name, String state, Duration deadline) {
        return Wait.until(name + " in state " + state + " (last seen: " + workload(name) + ")", deadline, () -> {
            JsonNode workload = workload(name);
            return state.equals(workload.path("state").asText()) ? workload : null;
        });
    }

    private List<Long> vmms(String workload) {
        return Unikernels.vmmProcesses("hb-" + gatewayId + "-" + workload + "-");
    }

    private long oneVmm(String workload) {
        return Wait.until("one VMM process of " + workload, BOOT, () -> {
            List<Long> pids = vmms(workload);
            return pids.size() == 1 ? pids.get(0) : null;
        });
    }

    static String telemetrySpec(String name, String image, String archive, Map<String, String> env, long memoryMiB, String restart) {
        StringBuilder envJson = new StringBuilder("\"TELEMETRY_WINDOW_SECONDS\": \"3\"");
        env.forEach((k, v) -> envJson.append(", \"").append(k).append("\": \"").append(v).append('"'));
        return """
                {"name": "%s", "runtime": "unikernel",
                 "image": {"reference": "%s", "pullPolicy": "if-not-present"%s},
                 "resources": {"cpus": 1.0, "memoryMiB": %d},
                 "env": {%s},
                 "restartPolicy": %s,
                 "healthCheck": {"type": "mqtt-heartbeat", "topic": "telemetry/status", "intervalSeconds": 3,
                                 "timeoutSeconds": 30, "startPeriodSeconds": 150, "failureThreshold": 3},
                 "bus": {"publish": ["telemetry/stats", "telemetry/status"], "subscribe": ["sensors/+/telemetry"]}}
                """.formatted(name, image, archive == null ? "" : ", \"archive\": \"" + archive + "\"", memoryMiB, envJson, restart);
    }

    @Test
    void theTelemetryTaskPulledFromTheHubComputesTheRightStatistics() throws Exception {
        try (Mosquitto.Subscription out = Mosquitto.subscribe(gateway.mqttPort(), "watcher", "watcher-pass", 240,
                "telemetry/stats", "telemetry/status")) {
            deploy("telemetry", telemetrySpec("telemetry", Unikernels.telemetryByDigest(), null, Map.of(), 256,
                    "{\"mode\": \"on-failure\"}"));
            Wait.until("the task's ready status from inside the microVM", BOOT,
                    () -> out.lines().stream().anyMatch(line -> line.startsWith("telemetry/status ") && line.contains("\"ready\"")));
            JsonNode running = awaitState("telemetry", "running", BOOT);
            assertThat(running.path("runtime").asText()).isEqualTo("unikernel");
            assertThat(vmms("telemetry")).hasSize(1);

            double[] values = {12.5, 7.25, 30.0, -4.0, 18.75, 9.5, 21.0, 0.5};
            for (double value : values) {
                assertThat(Mosquitto.publish(gateway.mqttPort(), "sensor", "sensor-pass", "sensors/probe-7/telemetry",
                        "{\"value\":" + value + "}").ok()).isTrue();
            }
            // the readings may straddle a window boundary: combine what the windows report, exactly
            Wait.until("statistics covering all " + values.length + " readings", DEADLINE,
                    () -> combined(out.lines(), "probe-7").count == values.length);
            Combined stats = combined(out.lines(), "probe-7");
            double mean = java.util.Arrays.stream(values).average().orElseThrow();
            double m2 = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
            assertThat(stats.mean()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(stats.min).isEqualTo(-4.0);
            assertThat(stats.max).isEqualTo(30.0);
            assertThat(stats.m2()).isCloseTo(m2, org.assertj.core.data.Offset.offset(1e-6));
        }
        // the image is in the gateway's content-addressed cache, verified, under its manifest digest
        String digest = Unikernels.pushTelemetry().substring("sha256:".length());
        try (Stream<Path> files = Files.walk(gateway.home().resolve("var"))) {
            assertThat(files.map(Path::toString)).anyMatch(p -> p.endsWith(digest));
        }
    }

    /** Per-window (count, mean, stddev, min, max) of one sensor combined with the parallel variance formula. */
    private static Combined combined(List<String> lines, String sensor) {
        Combined all = new Combined();
        for (String line : lines) {
            if (!line.startsWith("telemetry/stats ")) {
                continue;
            }
            try {
                JsonNode window = JSON.readTree(line.substring("telemetry/stats ".length()));
                if (sensor.equals(window.path("sensor").asText())) {
                    all.add(window.path("count").asLong(), window.path("mean").asDouble(), window.path("stddev").asDouble(),
                            window.path("min").asDouble(), window.path("max").asDouble());
                }
            } catch (IOException e) {
                throw new AssertionError("statistics are not JSON: " + line, e);
            }
        }
        return all;
    }

    private static final class Combined {
        long count;
        double sum;
        double sumOfSquaresWithin;
        final java.util.List<double[]> windows = new java.util.ArrayList<>();
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;

        void add(long n, double mean, double stddev, double windowMin, double windowMax) {
            count += n;
            sum += n * mean;
            sumOfSquaresWithin += (n - 1) * stddev * stddev;
            windows.add(new double[] {n, mean});
            min = Math.min(min, windowMin);
            max = Math.max(max, windowMax);
        }

        double mean() {
            return sum / count;
        }

        double m2() {
            double mean = mean();
            return sumOfSquaresWithin + windows.stream().mapToDouble(w -> w[0] * (w[1] - mean) * (w[1] - mean)).sum();
        }
    }

    @Test
    void aKilledVmmIsRestartedAndACrashLoopStopsAtItsLimit() throws Exception {
        String image = Unikernels.telemetryByDigest();
        deploy("steady", telemetrySpec("steady", image, null, Map.of(), 256,
                "{\"mode\": \"on-failure\", \"backoff\": {\"initialSeconds\": 0.5, \"maxSeconds\": 2}, \"crashLoopLimit\": 3}"));
        // a setting the task refuses: it exits 2 at once, every time
        deploy("crasher", telemetrySpec("crasher", image, null, Map.of("TELEMETRY_ZSCORE_THRESHOLD", "-1"), 256,
                "{\"mode\": \"on-failure\", \"backoff\": {\"initialSeconds\": 0.2, \"maxSeconds\": 1}, \"crashLoopLimit\": 3}"));
        awaitState("steady", "running", BOOT);
        long first = oneVmm("steady");

        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        long second = Wait.until("steady restarted in a new VMM", BOOT, () -> {
            List<Long> pids = vmms("steady");
            return pids.size() == 1 && pids.get(0) != first ? pids.get(0) : null;
        });
        assertThat(second).isNotEqualTo(first);
        Wait.until("steady running again with one restart", BOOT,
                () -> "running".equals(workload("steady").path("state").asText()) && workload("steady").path("restarts").asInt() == 1);

        JsonNode crashLoop = awaitState("crasher", "crash-loop", Duration.ofSeconds(240));
        assertThat(crashLoop.path("message").asText()).contains("failed 3 times in a row").contains("exit 2");
        assertThat(vmms("crasher")).isEmpty();
        assertThat(gateway.health().path("subsystems").path("workloads").path("status").asText()).isEqualTo("DEGRADED");
    }

    @Test
    void afterAKillMinus9OfTheGatewayTheVmIsAdoptedNotDuplicated() throws Exception {
        deploy("telemetry", telemetrySpec("telemetry", Unikernels.telemetryByDigest(), null, Map.of(), 256, "{\"mode\": \"always\"}"));
        awaitState("telemetry", "running", BOOT);
        long vmm = oneVmm("telemetry");

        gateway.kill();
        assertThat(ProcessHandle.of(vmm).map(ProcessHandle::isAlive)).as("the microVM outlives the gateway").contains(true);
        gateway.startAndAwaitReady();

        awaitState("telemetry", "running", BOOT);
        assertThat(vmms("telemetry")).containsExactly(vmm);
        assertThat(workload("telemetry").path("restarts").asInt()).isZero();
        // and it still works: a heartbeat passes through the new gateway's broker
        try (Mosquitto.Subscription out = Mosquitto.subscribe(gateway.mqttPort(), "watcher", "watcher-pass", 60, "telemetry/status")) {
            Wait.until("a heartbeat from the adopted VM", DEADLINE, () -> !out.lines().isEmpty());
        }
        assertThat(vmms("telemetry")).containsExactly(vmm);
    }

    @Test
    void badImagesAreReportedByNameAndDisturbNothingElse() throws Exception {
        String image = Unikernels.telemetryByDigest();
        // the bystander is the example next to the task, as it is: its image is the OCI tar the build
        // left in ~/.cache/hybridge/images, named by a local reference (no registry)
        deploy("telemetry", Files.readString(Path.of("../ml-workloads/telemetry/telemetry.workload.json")));
        awaitState("telemetry", "running", BOOT);
        long bystander = oneVmm("telemetry");

        // an artifact without a kernel
        Path empty = Files.writeString(dir.resolve("README"), "no kernel here\n");
        OciImageLayout.Written noKernel = OciImageLayout.write(dir.resolve("no-kernel"), null, "1",
                Map.of("docs/README", empty), Map.of("com.urunc.unikernel.unikernelType", "linux",
                        "com.urunc.unikernel.hypervisor", "qemu"));
        deploy("no-kernel", telemetrySpec("no-kernel", "hybridge-itest/no-kernel:1", noKernel.layout().toString(),
                Map.of(), 256, "{\"mode\": \"on-failure\"}"));

        // an image the gateway has never seen (a verified copy in its cache would be used instead of the
        // archive, rightly), one blob's content changed after the layout was written
        byte[] kernelBytes = new byte[256 * 1024];
        new java.util.Random().nextBytes(kernelBytes);
        Path fakeKernel = Files.write(dir.resolve("vmlinuz"), kernelBytes);
        Path tampered = OciImageLayout.write(dir.resolve("tampered"), null, "1", Map.of("unikernel/vmlinuz", fakeKernel),
                Map.of("com.urunc.unikernel.unikernelType", "linux", "com.urunc.unikernel.hypervisor", "qemu",
                        "com.urunc.unikernel.binary", "/unikernel/vmlinuz")).layout();
        Path layer = largestBlob(tampered);
        try (var file = java.nio.channels.FileChannel.open(layer, java.nio.file.StandardOpenOption.WRITE)) {
            file.write(java.nio.ByteBuffer.wrap(new byte[] {0x42, 0x42, 0x42, 0x42}), 4096);
        }
        deploy("tampered", telemetrySpec("tampered", "hybridge-itest/tampered:1", tampered.toString(), Map.of(), 256,
                "{\"mode\": \"on-failure\"}"));

        // a manifest that is not JSON, correctly addressed by its digest
        Path corrupt = copyLayout(Unikernels.telemetryLayout(), dir.resolve("corrupt"));
        byte[] garbage = "{\"schemaVersion\": 2, \"layers\": [ this is not json".getBytes();
        String garbageDigest = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(garbage));
        Files.write(corrupt.resolve("blobs/sha256/" + garbageDigest), garbage);
        String index = Files.readString(corrupt.resolve("index.json"));
        String oldDigest = OciImageLayout.manifestDigest(corrupt);
        Files.writeString(corrupt.resolve("index.json"), index.replace(oldDigest, "sha256:" + garbageDigest)
                .replaceFirst("\"size\"\\s*:\\s*\\d+", "\"size\":" + garbage.length));
        deploy("corrupt-manifest", telemetrySpec("corrupt-manifest", "hybridge-itest/corrupt:" + Unikernels.telemetryTag(), corrupt.toString(), Map.of(), 256,
                "{\"mode\": \"on-failure\"}"));

        // more memory than this machine has
        long tooMuch = 64L * 1024 * 1024; // MiB: 64 TiB
        deploy("too-big", telemetrySpec("too-big", image, null, Map.of(), tooMuch, "{\"mode\": \"on-failure\"}"));

        Wait.until("the missing kernel named", BOOT, () -> message("no-kernel").contains("image-invalid"));
        assertThat(message("no-kernel")).contains("com.urunc.unikernel.binary");
        Wait.until("the tampered blob named", BOOT, () -> message("tampered").contains("image-invalid")
                && message("tampered").contains(layer.getFileName().toString()));
        Wait.until("the corrupt manifest named", BOOT, () -> message("corrupt-manifest").contains("image-invalid")
                && message("corrupt-manifest").contains("manifest"));
        Wait.until("the memory named with what the device has", BOOT, () -> message("too-big").contains(Long.toString(tooMuch)));
        for (String bad : List.of("no-kernel", "tampered", "corrupt-manifest", "too-big")) {
            assertThat(vmms(bad)).as(bad + " started no VM").isEmpty();
        }
        assertThat(vmms("telemetry")).containsExactly(bystander);
        assertThat(workload("telemetry").path("state").asText()).isEqualTo("running");
        assertThat(workload("telemetry").path("restarts").asInt()).isZero();
    }

    private String message(String workload) {
        return workload(workload).path("message").asText();
    }

    private static Path copyLayout(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return to;
    }

    private static Path largestBlob(Path layout) throws IOException {
        try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
            return blobs.max(java.util.Comparator.comparingLong(p -> p.toFile().length())).orElseThrow();
        }
    }
}
