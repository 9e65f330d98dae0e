package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

/** The task as a whole, in this JVM, against a real Mosquitto with an account. */
class TelemetryAppTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private TelemetryApp app(Map<String, String> env) {
        return new TelemetryApp(TelemetrySettings.fromEnvironment(env), Clock.systemUTC(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private static Map<String, String> env(Mosquitto broker, String... more) {
        Map<String, String> env = new HashMap<>(Map.of("MQTT_URI", broker.uri(), "MQTT_USERNAME", Mosquitto.USER,
                "MQTT_PASSWORD", Mosquitto.PASSWORD, "MQTT_CLIENT_ID", "telemetry-test"));
        for (int i = 0; i < more.length; i += 2) {
            env.put(more[i], more[i + 1]);
        }
        return env;
    }

    @Test
    void readingsInStatisticsAndAnomaliesOutBadPayloadsCountedThenStops(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir); Subscriber test = new Subscriber(broker.uri(), "#")) {
            TelemetryApp app = app(env(broker, "TELEMETRY_WINDOW_SECONDS", "2", "TELEMETRY_MIN_BASELINE", "4"));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(app::run);

            JsonNode ready = test.await(Duration.ofSeconds(20), "ready status", Subscriber.status("ready")).json();
            assertThat(ready.get("clientId").asText()).isEqualTo("telemetry-test");
            assertThat(ready.get("input").asText()).isEqualTo("sensors/+/telemetry");
            assertThat(ready.get("jvmUptimeMs").asLong()).isPositive();
            // a window boundary just passed: what is sent now lands in one window
            test.await(Duration.ofSeconds(10), "first heartbeat", Subscriber.status("running"));
            for (double v : new double[] { 1, 2, 3, 4 }) {
                test.publish("sensors/s1/telemetry", "{\"value\":" + v + "}");
            }
            test.publish("sensors/ignored/telemetry", "{\"sensor\":\"s2\",\"value\":7,\"ts\":\"2026-01-01T00:00:00Z\"}");
            test.publish("sensors/s1/telemetry", "not json");
            test.publish("sensors/s1/telemetry", "{\"value\":\"high\"}");

            JsonNode s1 = test.await(Duration.ofSeconds(10), "s1 statistics", Subscriber.stats("s1")).json();
            assertThat(s1.get("count").asInt()).isEqualTo(4);
            assertThat(s1.get("mean").asDouble()).isEqualTo(2.5);
            assertThat(s1.get("min").asDouble()).isEqualTo(1);
            assertThat(s1.get("max").asDouble()).isEqualTo(4);
            assertThat(s1.get("stddev").asDouble()).isCloseTo(Math.sqrt(5.0 / 3.0), within(1e-12));
            assertThat(s1.get("anomalies")).isEmpty();
            assertThat(s1.get("baseline").isNull()).isTrue();
            long windowMs = java.time.Instant.parse(s1.get("windowEnd").asText()).toEpochMilli()
                    - java.time.Instant.parse(s1.get("windowStart").asText()).toEpochMilli();
            assertThat(windowMs).isEqualTo(2000);
            JsonNode heartbeat = test.await(Duration.ofSeconds(5), "heartbeat after the window", Subscriber.status("running")).json();
            assertThat(heartbeat.get("readings").asInt()).isEqualTo(5);
            assertThat(heartbeat.get("sensors").asInt()).isEqualTo(2);
            assertThat(heartbeat.get("badPayloads").asInt()).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("bad payload on sensors/s1/telemetry: not JSON")
                    .contains("\"value\" is not a number (2 so far)");

            // a baseline from s1's window (1..4: mean 2.5, sd 1.29), then a spike
            test.publish("sensors/s1/telemetry", "{\"value\":2,\"ts\":1767225600000}");
            test.publish("sensors/s1/telemetry", "{\"value\":40,\"ts\":1767225601000}");
            JsonNode spike = test.await(Duration.ofSeconds(10), "s1 with the spike", Subscriber.stats("s1")).json();
            assertThat(spike.get("baseline").get("count").asInt()).isEqualTo(4);
            assertThat(spike.get("anomalies")).hasSize(1);
            assertThat(spike.get("anomalies").get(0).get("value").asDouble()).isEqualTo(40);
            assertThat(spike.get("anomalies").get(0).get("zScore").asDouble()).isCloseTo(37.5 / Math.sqrt(5.0 / 3.0), within(1e-9));
            assertThat(spike.get("anomalies").get(0).get("ts").asText()).isEqualTo("2026-01-01T00:00:01Z");

            app.stopAndWait();
            assertThat(exit.get(10, TimeUnit.SECONDS)).as(err.toString(StandardCharsets.UTF_8)).isZero();
            JsonNode stopped = test.await(Duration.ofSeconds(5), "stopped status", Subscriber.status("stopped")).json();
            assertThat(stopped.get("totalReadings").asInt()).isEqualTo(7);
            assertThat(stopped.get("totalBadPayloads").asInt()).isEqualTo(2);
            assertThat(stopped.get("totalAnomalies").asInt()).isEqualTo(1);
        }
    }

    @Test
    void stopsByItselfAfterMaxWindows(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir); Subscriber test = new Subscriber(broker.uri(), "telemetry/#")) {
            int exit = app(env(broker, "TELEMETRY_WINDOW_SECONDS", "0.2", "TELEMETRY_MAX_WINDOWS", "3")).run();

            assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("3 windows done");
            test.await(Duration.ofSeconds(5), "stopped status", Subscriber.status("stopped"));
        }
    }

    @Test
    void wrongCredentialsExitFourNamingTheBrokerButNotThePassword(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            int exit = app(env(broker, "MQTT_PASSWORD", "wrong-secret")).run();

            assertThat(exit).isEqualTo(TelemetryApp.EXIT_BROKER);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot connect to the MQTT broker " + broker.uri())
                    .contains("as user telemetry").doesNotContain("wrong-secret");
        }
    }

    @Test
    void noBrokerExitsFourAfterTheConnectTimeout() {
        int exit = app(Map.of("MQTT_URI", "tcp://127.0.0.1:1", "MQTT_CONNECT_TIMEOUT_SECONDS", "1")).run();
        assertThat(exit).isEqualTo(TelemetryApp.EXIT_BROKER);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("not reachable yet");
    }
}
