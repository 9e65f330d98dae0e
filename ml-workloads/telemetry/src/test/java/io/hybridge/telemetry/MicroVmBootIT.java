package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The built microVM image, booted under QEMU (TCG) against a real Mosquitto on loopback: the task
 * comes up as the only process, reaches the broker through the one forward it is given, computes
 * the statistics right, and the VM powers off when the task ends, its status on the console.
 */
class MicroVmBootIT {

    private static final Duration BOOT = Duration.ofSeconds(180);

    /** A running VM: its console is collected, its process ended on close. */
    private static final class Vm implements AutoCloseable {
        final Process process;
        final StringBuffer console = new StringBuffer();
        final long startedNanos = System.nanoTime();

        Vm(MicroVm image, int brokerPort, Map<String, String> env) throws Exception {
            process = new ProcessBuilder(image.command(brokerPort, env)).redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null;) {
                        console.append(line).append('\n');
                    }
                } catch (java.io.IOException e) {
                    // the VM ended
                }
            }, "vm-console");
            reader.setDaemon(true);
            reader.start();
        }

        long rssKiB() throws Exception {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        }

        int awaitExit(Duration timeout) throws Exception {
            assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("the VM powers off; console:\n%s", console).isTrue();
            return process.exitValue();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static Map<String, String> env(String mqttUri, String... more) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MQTT_URI", mqttUri);
        env.put("MQTT_USERNAME", Mosquitto.USER);
        env.put("MQTT_PASSWORD", Mosquitto.PASSWORD);
        // a value with spaces: init's quoting of the kernel command line
        env.put("MQTT_CLIENT_ID", "telemetry vm 1");
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void bootsReachesTheBrokerComputesTheStatisticsAndPowersOffWithTheTasksStatus(@TempDir Path dir) throws Exception {
        MicroVm image = MicroVm.built();
        try (Mosquitto broker = Mosquitto.start(dir); Subscriber test = new Subscriber(broker.uri(), "#");
                Vm vm = new Vm(image, broker.port(), env("tcp://" + MicroVm.GUEST_BROKER,
                        "TELEMETRY_WINDOW_SECONDS", "4", "TELEMETRY_MAX_WINDOWS", "4"))) {
            JsonNode ready = test.await(BOOT, "ready status from the microVM", Subscriber.status("ready")).json();
            long bootToReadyMs = (System.nanoTime() - vm.startedNanos) / 1_000_000;
            long rssKiB = vm.rssKiB();
            assertThat(ready.get("clientId").asText()).isEqualTo("telemetry vm 1");

            test.await(Duration.ofSeconds(30), "first heartbeat", Subscriber.status("running"));
            for (double v : new double[] { 1, 2, 3, 4 }) {
                test.publish("sensors/s1/telemetry", "{\"value\":" + v + "}");
            }
            test.publish("sensors/s2/telemetry", "{\"value\":7}");
            test.publish("sensors/s2/telemetry", "{\"value\":");
            JsonNode s1 = test.await(Duration.ofSeconds(30), "s1 statistics", Subscriber.stats("s1")).json();
            assertThat(s1.get("count").asInt()).isEqualTo(4);
            assertThat(s1.get("mean").asDouble()).isEqualTo(2.5);
            assertThat(s1.get("min").asDouble()).isEqualTo(1);
            assertThat(s1.get("max").asDouble()).isEqualTo(4);
            assertThat(s1.get("stddev").asDouble()).isCloseTo(Math.sqrt(5.0 / 3.0), within(1e-12));
            JsonNode heartbeat = test.await(Duration.ofSeconds(10), "heartbeat after the window", Subscriber.status("running")).json();
            assertThat(heartbeat.get("readings").asInt()).isEqualTo(5);
            assertThat(heartbeat.get("badPayloads").asInt()).isEqualTo(1);

            int exit = vm.awaitExit(Duration.ofSeconds(60));
            assertThat(exit).as("QEMU's status: the VM powered off").isZero();
            assertThat(vm.console.toString()).contains("hybridge-init: task exited with status 0")
                    .contains("bad payload on sensors/s2/telemetry");

            Path report = Path.of("target/microvm-boot.json");
            Files.writeString(report, "{\"bootToReadyMs\":" + bootToReadyMs + ",\"guestUptimeAtReadyMs\":"
                    + ready.path("systemUptimeMs").asLong() + ",\"jvmUptimeAtReadyMs\":" + ready.path("jvmUptimeMs").asLong()
                    + ",\"qemuRssKiBAtReady\":" + rssKiB + ",\"loadAverage\":\"" + Files.readString(Path.of("/proc/loadavg")).trim()
                    + "\",\"accel\":\"tcg\"}\n");
            System.out.println("[microvm-boot] " + Files.readString(report).trim());
        }
    }

    @Test
    void theGuestReachesOnlyTheForwardedBrokerAndAFailingTaskPowersOffWithItsStatus(@TempDir Path dir) throws Exception {
        MicroVm image = MicroVm.built();
        try (Mosquitto broker = Mosquitto.start(dir);
                // the host's loopback as user networking shows it (10.0.2.2): closed by restrict=on
                Vm vm = new Vm(image, broker.port(), env("tcp://10.0.2.2:" + broker.port(), "MQTT_CONNECT_TIMEOUT_SECONDS", "3"))) {
            int exit = vm.awaitExit(BOOT);

            assertThat(exit).isZero();
            assertThat(vm.console.toString()).contains("cannot connect to the MQTT broker tcp://10.0.2.2:" + broker.port())
                    .contains("hybridge-init: task exited with status 4");
        }
    }
}
