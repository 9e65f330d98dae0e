package io.hybridge.cloud.internal.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.cloud.internal.store.OverflowPolicy;

class CloudSettingsTest {

    private final Map<String, Object> values = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    /** The annotation's defaults, overridden by {@link #values} (keys are method names). */
    private CloudConfig config() {
        return (CloudConfig) Proxy.newProxyInstance(CloudConfig.class.getClassLoader(), new Class<?>[] {CloudConfig.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    private CloudSettings settings() {
        return CloudSettings.from(config(), env::get, Path.of("/var/hybridge"));
    }

    @Test
    void noUriMeansNoCloud() {
        CloudSettings settings = settings();
        assertThat(settings.cloudConfigured()).isFalse();
        assertThat(settings.storeFile()).isEqualTo(Path.of("/var/hybridge/cloud/messages.mv"));
    }

    @Test
    void environmentFillsWhatTheConfigurationLeavesEmpty() {
        env.put("HYBRIDGE_CLOUD_URI", "ssl://broker.example.com:8883");
        env.put("HYBRIDGE_ACCOUNT", "acme");
        env.put("HYBRIDGE_CLIENT_ID", "gw-7");
        env.put("HYBRIDGE_CLOUD_USERNAME", "u");
        env.put("HYBRIDGE_CLOUD_PASSWORD", "p");
        values.put("client_id", "configured-id");
        CloudSettings settings = settings();
        assertThat(settings.cloudConfigured()).isTrue();
        assertThat(settings.secure()).isTrue();
        assertThat(settings.account()).isEqualTo("acme");
        assertThat(settings.clientId()).as("configuration wins over the environment").isEqualTo("configured-id");
        assertThat(new String(settings.password())).isEqualTo("p");
        assertThat(settings.toString()).doesNotContain("p,").doesNotContain("password");
        assertThat(settings.storeLimits().policy()).isEqualTo(OverflowPolicy.DROP_OLDEST_LOWEST_PRIORITY);
    }

    @Test
    void invalidValuesAreRefusedNamingPropertyValueAndWhatIsAllowed() {
        values.put("broker_uri", "http://broker:80");
        assertThatThrownBy(this::settings).hasMessageContaining("broker.uri = 'http://broker:80'")
                .hasMessageContaining("tcp://, ssl://, ws:// or wss://");
        values.put("broker_uri", "tcp://broker:1883");
        values.put("client_id", "a/b");
        assertThatThrownBy(this::settings).hasMessageContaining("client.id = 'a/b'").hasMessageContaining("topic level");
        values.remove("client_id");
        values.put("mqtt_version", "4");
        assertThatThrownBy(this::settings).hasMessageContaining("mqtt.version = '4'").hasMessageContaining("3.1.1 or 5");
        values.remove("mqtt_version");
        values.put("store_full_policy", "YOLO");
        assertThatThrownBy(this::settings).hasMessageContaining("store.full.policy = 'YOLO'");
        values.remove("store_full_policy");
        values.put("reconnect_max_delay_ms", 500L);
        assertThatThrownBy(this::settings).hasMessageContaining("reconnect.max.delay.ms = '500'");
        values.remove("reconnect_max_delay_ms");
        values.put("payload_encoding", "xml");
        assertThatThrownBy(this::settings).hasMessageContaining("payload.encoding = 'xml'");
    }
}
