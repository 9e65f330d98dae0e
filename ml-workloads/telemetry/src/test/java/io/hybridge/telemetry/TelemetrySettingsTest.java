package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TelemetrySettingsTest {

    @Test
    void defaults() {
        TelemetrySettings s = TelemetrySettings.fromEnvironment(Map.of());
        assertThat(s.mqttUri()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(s.inputTopic()).isEqualTo("sensors/+/telemetry");
        assertThat(s.sensorLevel()).isEqualTo(1);
        assertThat(s.outputTopic()).isEqualTo("telemetry/stats");
        assertThat(s.statusTopic()).isEqualTo("telemetry/status");
        assertThat(s.window()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.zScoreThreshold()).isEqualTo(3.0);
        assertThat(s.mqttQos()).isEqualTo(1);
        assertThat(s.maxWindows()).isZero();
        assertThat(s.mqttClientId()).startsWith("hybridge-telemetry-");
    }

    @Test
    void allSet() {
        TelemetrySettings s = TelemetrySettings.fromEnvironment(Map.of("MQTT_URI", "tcp://10.0.2.100:1883",
                "MQTT_USERNAME", "telemetry", "MQTT_PASSWORD", "secret", "MQTT_CLIENT_ID", "t-1",
                "TELEMETRY_INPUT_TOPIC", "plant/#", "TELEMETRY_OUTPUT_TOPIC", "stats/{sensor}",
                "TELEMETRY_WINDOW_SECONDS", "2.5", "TELEMETRY_ZSCORE_THRESHOLD", "2", "TELEMETRY_MAX_WINDOWS", "3"));
        assertThat(s.sensorLevel()).as("no '+': the payload must name the sensor").isEqualTo(-1);
        assertThat(s.outputTopicFor("s1")).isEqualTo("stats/s1");
        assertThat(s.window()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.summary()).contains("user=telemetry").doesNotContain("secret");
        assertThat(s.mqttPassword()).containsExactly("secret".toCharArray());
    }

    @Test
    void errorsNameTheVariableAndWhatWouldDo() {
        assertThatThrownBy(() -> TelemetrySettings.fromEnvironment(Map.of("TELEMETRY_WINDOW_SECONDS", "0")))
                .hasMessage("TELEMETRY_WINDOW_SECONDS=0 is out of range: use 0.1..86400.0");
        assertThatThrownBy(() -> TelemetrySettings.fromEnvironment(Map.of("TELEMETRY_ZSCORE_THRESHOLD", "high")))
                .hasMessage("TELEMETRY_ZSCORE_THRESHOLD=high is not a number (0.1..1000.0)");
        assertThatThrownBy(() -> TelemetrySettings.fromEnvironment(Map.of("MQTT_URI", "ws://broker:80")))
                .hasMessageStartingWith("MQTT_URI=ws://broker:80 is not a broker URI");
        assertThatThrownBy(() -> TelemetrySettings.fromEnvironment(Map.of("TELEMETRY_INPUT_TOPIC", "sensors/a+/x")))
                .hasMessageStartingWith("TELEMETRY_INPUT_TOPIC=sensors/a+/x is not a topic filter");
        assertThatThrownBy(() -> TelemetrySettings.fromEnvironment(Map.of("TELEMETRY_OUTPUT_TOPIC", "stats/#")))
                .hasMessageStartingWith("TELEMETRY_OUTPUT_TOPIC=stats/# is not a topic to publish to");
        assertThatThrownBy(() -> TelemetrySettings.fromEnvironment(Map.of("MQTT_QOS", "3")))
                .hasMessage("MQTT_QOS=3 is out of range: use 0..2");
    }
}
