package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class InventoryBodiesTest {

    @Test
    void packagesAreKuraXmlAndTheSameAsJson() {
        List<Map<String, Object>> packages = InventoryBodies.packages(List.of(new InstalledUnits.Unit("sensor-filter", "1.2.0",
                "bundle", "ab", 3, 0, List.of(new BundleChange("hybridge-ota:sensor-filter/io.example.filter",
                        "io.example.filter", "1.2.0", "/s/x.jar", null, null, false)))));
        assertThat(InventoryBodies.packagesXml(packages)).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<packages><package><name>sensor-filter</name><version>1.2.0</version><bundles><bundle>"
                + "<name>io.example.filter</name><version>1.2.0</version></bundle></bundles></package></packages>");
        assertThat(InventoryBodies.json(packages)).isEqualTo("[{\"name\":\"sensor-filter\",\"version\":\"1.2.0\",\"type\":\"bundle\","
                + "\"bundles\":[{\"name\":\"io.example.filter\",\"version\":\"1.2.0\"}]}]");
    }

    @Test
    void bundlesXmlEscapesNames() {
        String xml = InventoryBodies.bundlesXml(List.of(Map.of("name", "a<b>&c", "version", "1.0.0", "id", 4L, "state", "ACTIVE")));
        assertThat(xml).endsWith("<bundles><bundle><name>a&lt;b&gt;&amp;c</name><version>1.0.0</version><id>4</id>"
                + "<state>ACTIVE</state></bundle></bundles>");
    }
}
