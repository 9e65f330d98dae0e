package io.hybridge.config.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

import io.hybridge.config.internal.ComponentDefinition.Bounds;

/**
 * Reads the {@code min}/{@code max} of each attribute from a bundle's Metatype XML
 * ({@code OSGI-INF/metatype/*.xml}): the Metatype API leaves them out, yet "expected an
 * integer in 1..65535" is what an operator needs to hear. Components described by a
 * MetaTypeProvider service instead of XML have no bounds here; their
 * {@code AttributeDefinition.validate} still applies.
 */
final class MetatypeXmlBounds {

    private static final Logger LOG = LoggerFactory.getLogger(MetatypeXmlBounds.class);

    private MetatypeXmlBounds() {
    }

    /** OCD id → attribute id → bounds, for the attributes that have any. */
    static Map<String, Map<String, Bounds>> read(Bundle bundle) {
        Map<String, Map<String, Bounds>> byOcd = new HashMap<>();
        Enumeration<URL> files;
        try {
            files = bundle.findEntries("OSGI-INF/metatype", "*.xml", false);
        } catch (IllegalStateException uninstalled) {
            return byOcd;
        }
        if (files == null) {
            return byOcd;
        }
        while (files.hasMoreElements()) {
            URL file = files.nextElement();
            try (InputStream in = file.openStream()) {
                read(parser().parse(in), byOcd);
            } catch (IOException | SAXException | ParserConfigurationException e) {
                LOG.debug("cannot read the Metatype bounds of {} in {}: {}", file, bundle.getSymbolicName(), e.toString());
            }
        }
        return byOcd;
    }

    static void read(Document document, Map<String, Map<String, Bounds>> byOcd) {
        NodeList ocds = document.getElementsByTagNameNS("*", "OCD");
        for (int i = 0; i < ocds.getLength(); i++) {
            Element ocd = (Element) ocds.item(i);
            NodeList ads = ocd.getElementsByTagNameNS("*", "AD");
            for (int j = 0; j < ads.getLength(); j++) {
                Element ad = (Element) ads.item(j);
                String min = attribute(ad, "min");
                String max = attribute(ad, "max");
                if (min != null || max != null) {
                    byOcd.computeIfAbsent(ocd.getAttribute("id"), id -> new HashMap<>())
                            .put(ad.getAttribute("id"), new Bounds(min, max));
                }
            }
        }
    }

    private static String attribute(Element element, String name) {
        String value = element.getAttribute(name);
        return value.isEmpty() ? null : value;
    }

    private static DocumentBuilder parser() throws ParserConfigurationException {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        // a bundle's XML is not trusted with entities or external documents
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        factory.setExpandEntityReferences(false);
        return factory.newDocumentBuilder();
    }
}
