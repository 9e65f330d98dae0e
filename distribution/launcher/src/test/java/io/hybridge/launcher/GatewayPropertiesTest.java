package io.hybridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayPropertiesTest {

    @TempDir
    Path home;

    @BeforeEach
    void installation() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/framework.properties"), """
                hybridge.features=core, console
                org.osgi.service.http.port=8080
                hybridge.mqtt.port=1883
                felix.fileinstall.dir=${hybridge.etc}/config,${hybridge.deploy}
                """);
    }

    @Test
    void resolvesPlaceholdersAgainstTheInstallation() throws Exception {
        var properties = GatewayProperties.load(home, Map.of());
        assertThat(properties.get("felix.fileinstall.dir", null))
                .isEqualTo(home.resolve("etc") + "/config," + home.resolve("deploy"));
        assertThat(properties.get("org.osgi.framework.storage", null)).isEqualTo(home.resolve("var/cache").toString());
        assertThat(properties.features()).containsExactly("core", "console");
    }

    @Test
    void environmentVariablesOverrideTheFile() throws Exception {
        var properties = GatewayProperties.load(home, Map.of("HYBRIDGE_HTTP_PORT", "18080", "HYBRIDGE_MQTT_PORT",
                "11883", "HYBRIDGE_FEATURES", "core"));
        assertThat(properties.get("org.osgi.service.http.port", null)).isEqualTo("18080");
        assertThat(properties.get("hybridge.mqtt.port", null)).isEqualTo("11883");
        assertThat(properties.features()).containsExactly("core");
    }

    @Test
    void aBadPortNamesTheVariableAndWhatIsAllowed() {
        assertThatThrownBy(() -> GatewayProperties.load(home, Map.of("HYBRIDGE_MQTT_PORT", "eighteen")))
                .hasMessageContaining("HYBRIDGE_MQTT_PORT").hasMessageContaining("'eighteen'")
                .hasMessageContaining("between 0 and 65535");
        assertThatThrownBy(() -> GatewayProperties.load(home, Map.of("HYBRIDGE_HTTP_PORT", "70000")))
                .hasMessageContaining("HYBRIDGE_HTTP_PORT");
    }

    @Test
    void aMissingInstallationIsNamed() {
        assertThatThrownBy(() -> GatewayProperties.load(home.resolve("nowhere"), Map.of()))
                .hasMessageContaining("is " + home.resolve("nowhere") + " a Hybridge installation?");
    }
}
