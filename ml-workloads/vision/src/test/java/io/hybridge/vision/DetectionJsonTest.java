package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class DetectionJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFrameMessageCarriesEverythingAboutEachDetection() throws Exception {
        FrameDetections frame = new FrameDetections(42, Instant.parse("2026-01-01T00:00:01.5Z"), 3360.0, 320, 240, List.of(
                new Detection(Detection.Kind.MOTION, 10, 20, 30, 40, OptionalDouble.of(0.41234)),
                new Detection(Detection.Kind.FACE, 100, 60, 56, 56, OptionalDouble.empty())));

        JsonNode json = JSON.readTree(DetectionJson.frame("/app/samples/a \"quoted\" clip.avi", frame));

        assertThat(json.get("source").asText()).isEqualTo("/app/samples/a \"quoted\" clip.avi");
        assertThat(json.get("frame").asLong()).isEqualTo(42);
        assertThat(json.get("timestamp").asText()).isEqualTo("2026-01-01T00:00:01.500Z");
        assertThat(json.get("videoMs").asDouble()).isEqualTo(3360.0);
        assertThat(json.get("width").asInt()).isEqualTo(320);
        assertThat(json.get("height").asInt()).isEqualTo(240);
        JsonNode motion = json.get("detections").get(0);
        assertThat(motion.get("type").asText()).isEqualTo("motion");
        assertThat(motion.get("box").toString()).isEqualTo("{\"x\":10,\"y\":20,\"w\":30,\"h\":40}");
        assertThat(motion.get("score").asDouble()).isEqualTo(0.412);
        JsonNode face = json.get("detections").get(1);
        assertThat(face.get("type").asText()).isEqualTo("face");
        assertThat(face.has("score")).isFalse();
    }

    @Test
    void liveSourcesHaveNoVideoPosition() throws Exception {
        FrameDetections frame = new FrameDetections(1, Instant.EPOCH, Double.NaN, 640, 480, List.of());
        JsonNode json = JSON.readTree(DetectionJson.frame("http://cam/stream\n", frame));
        assertThat(json.has("videoMs")).isFalse();
        assertThat(json.get("source").asText()).isEqualTo("http://cam/stream\n");
        assertThat(json.get("detections")).isEmpty();
    }

    @Test
    void aStatsMessageReportsThroughputAndCounts() throws Exception {
        Map<Detection.Kind, Long> counts = new EnumMap<>(Detection.Kind.class);
        counts.put(Detection.Kind.MOTION, 7L);
        counts.put(Detection.Kind.FACE, 3L);
        ThroughputStats.Snapshot snapshot = new ThroughputStats.Snapshot(100, 50.123, 48.9, 2.045, 19.5, 1.5, counts, 9, 9,
                1, true);

        JsonNode json = JSON.readTree(DetectionJson.stats("clip.avi", Instant.EPOCH, snapshot));

        assertThat(json.get("type").asText()).isEqualTo("stats");
        assertThat(json.get("frames").asLong()).isEqualTo(100);
        assertThat(json.get("fps").asDouble()).isEqualTo(50.12);
        assertThat(json.get("fpsOverall").asDouble()).isEqualTo(48.9);
        assertThat(json.get("elapsedS").asDouble()).isEqualTo(2.045);
        assertThat(json.get("meanFrameMs").asDouble()).isEqualTo(19.5);
        assertThat(json.get("cpuS").asDouble()).isEqualTo(1.5);
        assertThat(json.get("cpuMsPerFrame").asDouble()).isEqualTo(15.0);
        assertThat(json.get("framesWithDetections").asLong()).isEqualTo(9);
        assertThat(json.get("detections").get("motion").asLong()).isEqualTo(7);
        assertThat(json.get("detections").get("face").asLong()).isEqualTo(3);
        assertThat(json.get("published").asLong()).isEqualTo(9);
        assertThat(json.get("dropped").asLong()).isEqualTo(1);
        assertThat(json.get("last").asBoolean()).isTrue();
    }
}
