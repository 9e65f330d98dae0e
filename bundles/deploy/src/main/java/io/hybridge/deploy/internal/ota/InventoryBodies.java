package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * The bodies of {@code GET/packages} and {@code GET/bundles} as Kura sends them (XML, the shape
 * Kapua reads: {@code <packages><package><name/><version/><bundles><bundle><name/><version/>…})
 * and the same content as JSON, which Hybridge adds as the metric {@code packages.json} /
 * {@code bundles.json} for tools that do not want to parse XML.
 */
final class InventoryBodies {

    private InventoryBodies() {
    }

    static List<Map<String, Object>> packages(List<InstalledUnits.Unit> units) {
        List<Map<String, Object>> packages = new ArrayList<>();
        for (InstalledUnits.Unit unit : units) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", unit.name());
            entry.put("version", unit.version());
            entry.put("type", unit.type());
            List<Map<String, Object>> bundles = new ArrayList<>();
            for (BundleChange change : unit.changes()) {
                Map<String, Object> bundle = new LinkedHashMap<>();
                bundle.put("name", change.symbolicName());
                bundle.put("version", change.version());
                bundles.add(bundle);
            }
            entry.put("bundles", bundles);
            packages.add(entry);
        }
        return packages;
    }

    static String packagesXml(List<Map<String, Object>> packages) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<packages>");
        for (Map<String, Object> entry : packages) {
            xml.append("<package><name>").append(escape(entry.get("name"))).append("</name><version>")
                    .append(escape(entry.get("version"))).append("</version><bundles>");
            for (Object bundle : (List<?>) entry.get("bundles")) {
                Map<?, ?> map = (Map<?, ?>) bundle;
                xml.append("<bundle><name>").append(escape(map.get("name"))).append("</name><version>")
                        .append(escape(map.get("version"))).append("</version></bundle>");
            }
            xml.append("</bundles></package>");
        }
        return xml.append("</packages>").toString();
    }

    static List<Map<String, Object>> bundles(Bundle[] bundles) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Bundle bundle : bundles) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", String.valueOf(bundle.getSymbolicName()));
            entry.put("version", bundle.getVersion().toString());
            entry.put("id", bundle.getBundleId());
            entry.put("state", state(bundle.getState()));
            list.add(entry);
        }
        return list;
    }

    static String bundlesXml(List<Map<String, Object>> bundles) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<bundles>");
        for (Map<String, Object> entry : bundles) {
            xml.append("<bundle><name>").append(escape(entry.get("name"))).append("</name><version>")
                    .append(escape(entry.get("version"))).append("</version><id>").append(entry.get("id"))
                    .append("</id><state>").append(entry.get("state")).append("</state></bundle>");
        }
        return xml.append("</bundles>").toString();
    }

    static String json(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException("inventory could not be rendered as JSON: " + e.getMessage(), e);
        }
    }

    static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }

    static String escape(Object value) {
        String text = String.valueOf(value);
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
