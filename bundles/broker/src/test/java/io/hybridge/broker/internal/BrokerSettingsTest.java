package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class BrokerSettingsTest {

    private static BrokerSettings settings(Map<String, ?> config, Map<String, String> framework) {
        return BrokerSettings.from(Configs.of(BrokerConfig.class, config), config, framework::get);
    }

    @Test
    void defaults() {
        BrokerSettings settings = settings(Map.of(), Map.of());
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.host()).isEqualTo("0.0.0.0");
        assertThat(settings.port()).isEqualTo(1883);
        assertThat(settings.portSource()).isEqualTo("default");
        assertThat(settings.allowAnonymous()).isFalse();
        assertThat(settings.maxMessageSize()).isEqualTo(256 * 1024);
    }

    @Test
    void frameworkPropertyBeatsTheDefault() {
        BrokerSettings settings = settings(Map.of(), Map.of("hybridge.mqtt.port", "11883"));
        assertThat(settings.port()).isEqualTo(11883);
        assertThat(settings.portSource()).isEqualTo("framework property hybridge.mqtt.port");
    }

    @Test
    void configuredPortBeatsTheFrameworkProperty() {
        BrokerSettings settings = settings(Map.of("port", 2883), Map.of("hybridge.mqtt.port", "11883"));
        assertThat(settings.port()).isEqualTo(2883);
        assertThat(settings.portSource()).isEqualTo("configuration io.hybridge.broker");
    }

    @Test
    void configuredPortMayBeAString() {
        // Config Admin files without type information deliver strings
        assertThat(settings(Map.of("port", " 2884 "), Map.of()).port()).isEqualTo(2884);
    }

    @Test
    void configuredPortEqualToTheDefaultStillBeatsTheFrameworkProperty() {
        // only the raw properties can tell "set to 1883" from "not set"
        assertThat(settings(Map.of("port", 1883), Map.of("hybridge.mqtt.port", "11883")).port()).isEqualTo(1883);
    }

    @Test
    void blankConfiguredPortCountsAsNotSet() {
        assertThat(settings(Map.of("port", ""), Map.of("hybridge.mqtt.port", "11883")).port()).isEqualTo(11883);
    }

    @Test
    void portOutOfRangeNamesTheFieldAndTheRange() {
        assertThatThrownBy(() -> settings(Map.of("port", 70000), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'port' of configuration io.hybridge.broker is 70000; expected a TCP port number between 1 and 65535");
        assertThatThrownBy(() -> settings(Map.of("port", 0), Map.of()))
                .hasMessageContaining("between 1 and 65535");
        assertThatThrownBy(() -> settings(Map.of("port", "mqtt"), Map.of()))
                .hasMessageContaining("'port'").hasMessageContaining("'mqtt'");
    }

    @Test
    void badFrameworkPropertyNamesTheEnvironmentVariable() {
        assertThatThrownBy(() -> settings(Map.of(), Map.of("hybridge.mqtt.port", "99999")))
                .hasMessageContaining("hybridge.mqtt.port (env HYBRIDGE_MQTT_PORT) is 99999");
    }

    @Test
    void maxMessageSizeMustFitMqtt() {
        assertThatThrownBy(() -> settings(Map.of("max.message.size", 0), Map.of()))
                .hasMessage("'max.message.size' is 0; expected bytes between 1 and 268435455");
    }

    @Test
    void emptyHostIsRefused() {
        assertThatThrownBy(() -> settings(Map.of("host", " "), Map.of())).hasMessageContaining("'host' is empty");
    }

    @Test
    void badAnonymousFilterNamesTheEntry() {
        assertThatThrownBy(() -> settings(Map.of("anonymous.publish", new String[] {"ok/#", "bad/#/x"}), Map.of()))
                .hasMessageStartingWith("anonymous.publish[1]: topic filter 'bad/#/x'");
    }

    @Test
    void equalSettingsFromDifferentSourcesAreTheSameBroker() {
        Map<String, Object> config = new HashMap<>();
        config.put("port", 11883);
        BrokerSettings fromConfig = settings(config, Map.of());
        BrokerSettings fromFramework = settings(Map.of(), Map.of("hybridge.mqtt.port", "11883"));
        assertThat(fromConfig.sameBrokerAs(fromFramework)).isTrue();
        assertThat(fromConfig.sameBrokerAs(settings(Map.of("port", 11884), Map.of()))).isFalse();
        assertThat(fromConfig.sameBrokerAs(settings(Map.of("port", 11883, "allow.anonymous", true), Map.of()))).isFalse();
    }
}
