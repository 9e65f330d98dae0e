package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The example spec next to the workload stays true to the build: it names the image the
 * build tags, its environment is valid for the app, and its bus account covers the topics
 * the app publishes to. (That it is a valid spec is checked where the schema lives, by the
 * workloads bundle's {@code WorkloadJsonTest}.)
 */
class WorkloadSpecTest {

    private static JsonNode spec() throws Exception {
        return new ObjectMapper().readTree(Path.of(System.getProperty("vision.workload.spec", "vision.workload.json")).toFile());
    }

    @Test
    void namesTheImageTheBuildTags() throws Exception {
        JsonNode spec = spec();
        assertThat(spec.get("runtime").asText()).isEqualTo("container");
        assertThat(spec.get("image").get("reference").asText()).isEqualTo(System.getProperty("vision.image"));
        assertThat(spec.get("image").get("pullPolicy").asText()).isEqualTo("never");
    }

    @Test
    void itsEnvironmentIsValidAndItsSourceIsTheClipInTheImage() throws Exception {
        JsonNode env = spec().get("env");
        Map<String, String> variables = new HashMap<>();
        env.fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));

        VisionSettings settings = VisionSettings.fromEnvironment(variables, Path.of("/app"));

        assertThat(settings.source()).isEqualTo("/app/samples/" + Samples.clip().getFileName());
        assertThat(variables).doesNotContainKeys("MQTT_URI", "MQTT_USERNAME", "MQTT_PASSWORD", "MQTT_CLIENT_ID");
        assertThat(spec().get("bus").get("publish")).extracting(JsonNode::asText)
                .contains(settings.mqttTopic(), settings.mqttStatsTopic());
        assertThat(spec().get("healthCheck").get("topic").asText()).isEqualTo(settings.mqttStatsTopic());
    }

    @Test
    void asksForPositiveResources() throws Exception {
        JsonNode resources = spec().get("resources");
        assertThat(resources.get("cpus").asDouble()).isPositive();
        assertThat(resources.get("memoryMiB").asInt()).isGreaterThanOrEqualTo(128);
        assertThat(resources.get("pids").asInt()).isPositive();
    }
}
