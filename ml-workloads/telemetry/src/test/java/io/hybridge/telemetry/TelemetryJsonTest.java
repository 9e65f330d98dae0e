package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

class TelemetryJsonTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aWindowWithAnomaliesAndBaseline() throws Exception {
        SensorWindow w = new SensorWindow("s\"1", 1_767_225_600_000L, 1_767_225_610_000L, 3, 14.5, 11, 20, 4.6,
                List.of(new SensorWindow.Anomaly(20, 8.54, 1_767_225_605_000L)), new Baseline.Snapshot(10, 11, 1.05));

        JsonNode json = JSON.readTree(TelemetryJson.window(w));

        assertThat(json.get("sensor").asText()).isEqualTo("s\"1");
        assertThat(json.get("windowStart").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(json.get("windowEnd").asText()).isEqualTo("2026-01-01T00:00:10Z");
        assertThat(json.get("count").asLong()).isEqualTo(3);
        assertThat(json.get("mean").asDouble()).isEqualTo(14.5);
        assertThat(json.get("min").asDouble()).isEqualTo(11);
        assertThat(json.get("max").asDouble()).isEqualTo(20);
        assertThat(json.get("stddev").asDouble()).isEqualTo(4.6);
        assertThat(json.get("anomalies")).hasSize(1);
        assertThat(json.get("anomalies").get(0).get("value").asDouble()).isEqualTo(20);
        assertThat(json.get("anomalies").get(0).get("zScore").asDouble()).isEqualTo(8.54);
        assertThat(json.get("anomalies").get(0).get("ts").asText()).isEqualTo("2026-01-01T00:00:05Z");
        assertThat(json.get("baseline").get("count").asLong()).isEqualTo(10);
        assertThat(json.get("baseline").get("stddev").asDouble()).isEqualTo(1.05);
    }

    @Test
    void noBaselineAndNumbersThatAreNotFinite() throws Exception {
        SensorWindow w = new SensorWindow("s1", 0, 1000, 1, 1e300, 1e300, 1e300, Double.NaN, List.of(), null);

        JsonNode json = JSON.readTree(TelemetryJson.window(w));

        assertThat(json.get("baseline").isNull()).isTrue();
        assertThat(json.get("stddev").isNull()).isTrue();
        assertThat(json.get("mean").asDouble()).isEqualTo(1e300);
        assertThat(json.get("anomalies")).isEmpty();
    }

    @Test
    void statusWithControlCharacters() throws Exception {
        StringBuilder s = TelemetryJson.status("ready", "id\u0001\n", 0);
        TelemetryJson.field(s, "input", "a\\b");
        JsonNode json = JSON.readTree(s.append('}').toString());
        assertThat(json.get("clientId").asText()).isEqualTo("id\u0001\n");
        assertThat(json.get("input").asText()).isEqualTo("a\\b");
        assertThat(json.get("timestamp").asText()).isEqualTo("1970-01-01T00:00:00Z");
    }
}
