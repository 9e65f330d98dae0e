package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The workload as a whole, in this JVM: its exit codes, and its messages on a real Mosquitto. */
class VisionAppTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(Map<String, String> env) {
        VisionApp app = app(env);
        return app.run();
    }

    private VisionApp app(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("VISION_CASCADE", Samples.cascade().toString());
        return new VisionApp(VisionSettings.fromEnvironment(all, Path.of("/nonexistent")),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonNode lastStats() throws Exception {
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        return JSON.readTree(lines[lines.length - 1]);
    }

    @Test
    void publishesEveryFrameWithDetectionsAndTheStatsThenExitsZero(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            MqttClient subscriber = new MqttClient(broker.uri(), "test-subscriber", new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName(Mosquitto.USER);
            options.setPassword(Mosquitto.PASSWORD.toCharArray());
            subscriber.connect(options);
            LinkedBlockingQueue<String[]> received = new LinkedBlockingQueue<>();
            subscriber.subscribe("cams/#", 1, (topic, message) -> received.add(
                    new String[] { topic, new String(message.getPayload(), StandardCharsets.UTF_8) }));

            int exit = run(Map.of("VISION_SOURCE", Samples.clip().toString(), "MQTT_URI", broker.uri(),
                    "MQTT_USERNAME", Mosquitto.USER, "MQTT_PASSWORD", Mosquitto.PASSWORD,
                    "MQTT_TOPIC", "cams/door/detections", "MQTT_STATS_TOPIC", "cams/door/stats"));

            assertThat(exit).as(stderr()).isZero();
            List<JsonNode> detections = new ArrayList<>();
            JsonNode last = null;
            while (last == null) {
                String[] message = received.poll(10, TimeUnit.SECONDS);
                assertThat(message).as("messages until the last stats").isNotNull();
                JsonNode json = JSON.readTree(message[1]);
                if (message[0].equals("cams/door/stats")) {
                    last = json.get("last").asBoolean() ? json : null;
                } else {
                    assertThat(message[0]).isEqualTo("cams/door/detections");
                    detections.add(json);
                }
            }
            subscriber.disconnect();
            subscriber.close();

            assertThat(last.get("frames").asInt()).isEqualTo(SampleClip.FRAMES);
            assertThat(last.get("fps").asDouble()).isPositive();
            assertThat(last.get("dropped").asInt()).isZero();
            // every frame has the face, so every frame is a message, in order
            assertThat(detections).hasSize(SampleClip.FRAMES);
            for (int i = 0; i < detections.size(); i++) {
                JsonNode message = detections.get(i);
                assertThat(message.get("frame").asInt()).isEqualTo(i + 1);
                assertThat(message.get("source").asText()).isEqualTo(Samples.clip().toString());
                assertThat(message.get("timestamp").asText()).endsWith("Z");
                assertThat(message.get("videoMs").asDouble()).isCloseTo(i * 1000 / SampleClip.FPS, within(0.1));
                assertThat(message.get("detections")).anySatisfy(d -> {
                    assertThat(d.get("type").asText()).isEqualTo("face");
                    assertThat(d.get("box").get("w").asInt()).isPositive();
                    assertThat(d.has("score")).isTrue();
                });
            }
            assertThat(detections).anySatisfy(m -> assertThat(m.get("detections"))
                    .anySatisfy(d -> assertThat(d.get("type").asText()).isEqualTo("motion")));
        }
    }

    @Test
    void wrongCredentialsExitFourNamingTheBroker(@TempDir Path dir) throws Exception {
        try (Mosquitto broker = Mosquitto.start(dir)) {
            int exit = run(Map.of("VISION_SOURCE", Samples.clip().toString(), "MQTT_URI", broker.uri(),
                    "MQTT_USERNAME", Mosquitto.USER, "MQTT_PASSWORD", "wrong"));

            assertThat(exit).isEqualTo(VisionApp.EXIT_BROKER);
            assertThat(stderr()).contains("cannot connect to the MQTT broker " + broker.uri())
                    .contains("user " + Mosquitto.USER).doesNotContain("wrong");
        }
    }

    @Test
    void aBadSourceExitsThreeNamingIt() {
        int exit = run(Map.of("VISION_SOURCE", "/no/such/clip.avi", "MQTT_URI", "none"));
        assertThat(exit).isEqualTo(VisionApp.EXIT_SOURCE);
        assertThat(stderr()).isEqualTo("vision: video file /no/such/clip.avi does not exist or is not a file\n");
    }

    @Test
    void aMissingCascadeExitsTwoNamingTheVariable() {
        int exit = run(Map.of("VISION_SOURCE", Samples.clip().toString(), "MQTT_URI", "none",
                "VISION_CASCADE", "/no/cascade.xml"));
        assertThat(exit).isEqualTo(VisionApp.EXIT_SETTINGS);
        assertThat(stderr()).contains("VISION_CASCADE: cascade /no/cascade.xml does not exist");
    }

    @Test
    void loopsUntilTheFrameLimit() throws Exception {
        int exit = run(Map.of("VISION_SOURCE", Samples.clip().toString(), "MQTT_URI", "none", "VISION_LOOP", "true",
                "VISION_MAX_FRAMES", "250", "VISION_DETECT", "motion"));
        assertThat(exit).as(stderr()).isZero();
        assertThat(lastStats().get("frames").asInt()).isEqualTo(250);
        assertThat(lastStats().get("detections").get("face").asInt()).isZero();
    }

    @Test
    void stopsWhenAskedWithALastStatsMessage() throws Exception {
        VisionApp app = app(Map.of("VISION_SOURCE", Samples.clip().toString(), "MQTT_URI", "none", "VISION_LOOP", "true",
                "VISION_REALTIME", "true", "VISION_STATS_SECONDS", "0.2"));
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(app::run);
        // wait for the first interval report: the loop is running
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!out.toString(StandardCharsets.UTF_8).contains("\"type\":\"stats\"")) {
            assertThat(System.nanoTime()).as("first stats within 20 s").isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll the condition until the deadline
        }
        app.stopAndWait();

        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        JsonNode last = lastStats();
        assertThat(last.get("last").asBoolean()).isTrue();
        // paced to the clip's 12 frames/s
        assertThat(last.get("fpsOverall").asDouble()).isBetween(6.0, 13.0);
    }
}
