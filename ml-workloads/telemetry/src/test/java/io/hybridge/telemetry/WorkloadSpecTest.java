package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The example spec next to the task stays true to the build: a unikernel workload whose image is
 * the build's OCI layout tar, whose environment is valid for the task, whose bus account covers
 * the topics the task uses, and whose heartbeat is the status topic the task publishes to at
 * every window.
 */
class WorkloadSpecTest {

    private static JsonNode spec() throws Exception {
        return new ObjectMapper().readTree(Path.of(System.getProperty("telemetry.workload.spec", "telemetry.workload.json")).toFile());
    }

    @Test
    void aUnikernelWorkloadWhoseImageIsTheBuildsOciLayout() throws Exception {
        JsonNode spec = spec();
        assertThat(spec.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(spec.get("runtime").asText()).isEqualTo("unikernel");
        String version = spec.get("image").get("reference").asText().replaceAll(".*:", "");
        assertThat(spec.get("image").get("reference").asText())
                .as("a local name: never a network pull").isEqualTo("hybridge/telemetry:" + version);
        assertThat(spec.get("image").get("archive").asText())
                .as("where src/image/build-microvm.sh installs the tar for gateways on this machine")
                .isEqualTo("~/.cache/hybridge/images/hybridge-telemetry-" + version + "-microvm.oci.tar");
    }

    @Test
    void itsEnvironmentIsValidAndTheBusCoversTheTopics() throws Exception {
        JsonNode spec = spec();
        Map<String, String> variables = new HashMap<>();
        spec.get("env").fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));

        TelemetrySettings settings = TelemetrySettings.fromEnvironment(variables);

        assertThat(variables).doesNotContainKeys("MQTT_URI", "MQTT_USERNAME", "MQTT_PASSWORD", "MQTT_CLIENT_ID");
        assertThat(spec.get("bus").get("publish")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(settings.outputTopic(), settings.statusTopic());
        assertThat(spec.get("bus").get("subscribe")).extracting(JsonNode::asText).containsExactly(settings.inputTopic());
        assertThat(spec.get("healthCheck").get("type").asText()).isEqualTo("mqtt-heartbeat");
        assertThat(spec.get("healthCheck").get("topic").asText()).isEqualTo(settings.statusTopic());
        // a heartbeat goes out at every window: the silence allowed spans more than one
        assertThat(spec.get("healthCheck").get("timeoutSeconds").asDouble() * 1000).isGreaterThan(settings.window().toMillis() * 2);
    }

    @Test
    void asksForWhatTheMicroVmIsBuiltFor() throws Exception {
        JsonNode resources = spec().get("resources");
        assertThat(resources.get("cpus").asDouble()).isEqualTo(1.0);
        assertThat(resources.get("memoryMiB").asInt()).isEqualTo(256);
        assertThat(List.of("on-failure", "always", "never")).contains(spec().get("restartPolicy").get("mode").asText());
    }
}
