package io.hybridge.config.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;

import io.hybridge.config.internal.ComponentDefinition.Bounds;

class MetatypeXmlBoundsTest {

    /** What bnd writes for the broker's configuration (trimmed). */
    private static final String BROKER_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.4.0">
              <OCD id="io.hybridge.broker.internal.BrokerConfig" name="Hybridge local MQTT broker">
                <AD id="enabled" type="Boolean" default="true"/>
                <AD id="port" type="Integer" required="false" min="1" max="65535"/>
                <AD id="max.message.size" type="Integer" min="1" default="262144"/>
              </OCD>
              <Designate pid="io.hybridge.broker"><Object ocdref="io.hybridge.broker.internal.BrokerConfig"/></Designate>
            </metatype:MetaData>
            """;

    @Test
    void readsMinAndMaxPerObjectClassAndAttribute() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        Map<String, Map<String, Bounds>> bounds = new HashMap<>();

        MetatypeXmlBounds.read(factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(BROKER_XML.getBytes(StandardCharsets.UTF_8))), bounds);

        assertThat(bounds).containsOnlyKeys("io.hybridge.broker.internal.BrokerConfig");
        assertThat(bounds.get("io.hybridge.broker.internal.BrokerConfig")).containsOnly(
                Map.entry("port", new Bounds("1", "65535")),
                Map.entry("max.message.size", new Bounds("1", null)));
    }
}
