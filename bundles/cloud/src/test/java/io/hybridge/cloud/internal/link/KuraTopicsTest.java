package io.hybridge.cloud.internal.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KuraTopicsTest {

    @Test
    void followsTheKapuaNamespace() {
        KuraTopics topics = new KuraTopics("acme", "gw-17");
        assertThat(topics.birth()).isEqualTo("$EDC/acme/gw-17/MQTT/BIRTH");
        assertThat(topics.disconnect()).isEqualTo("$EDC/acme/gw-17/MQTT/DC");
        assertThat(topics.lastWill()).isEqualTo("$EDC/acme/gw-17/MQTT/LWT");
        assertThat(topics.apps()).isEqualTo("$EDC/acme/gw-17/MQTT/APPS");
        assertThat(topics.data("sensors", "temp/1")).isEqualTo("acme/gw-17/sensors/temp/1");
    }

    @Test
    void accountAndClientIdAreSingleLevels() {
        assertThatThrownBy(() -> new KuraTopics("ac/me", "gw")).hasMessageContaining("account 'ac/me'");
        assertThatThrownBy(() -> new KuraTopics("acme", "gw#")).hasMessageContaining("client id 'gw#'");
        assertThatThrownBy(() -> new KuraTopics("acme", "")).hasMessageContaining("not empty");
    }
}
