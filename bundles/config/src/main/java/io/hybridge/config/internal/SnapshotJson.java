package io.hybridge.config.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The snapshot file format. Like Kura's wire shape ({@code configs} of {@code pid} and typed
 * {@code properties}), plus what an exact rollback needs: the factory PIDs known at the time,
 * the factory PID of each factory configuration, whether a component had no configuration
 * (no {@code properties}), and {@code "collection": true} for a property held as a
 * collection rather than an array. Passwords are stored in clear: the file is owner-only and
 * a rollback must restore them.
 *
 * <pre>
 * {"id": 1767225600000, "factoryPids": ["io.hybridge.broker.account"],
 *  "configs": [{"pid": "io.hybridge.broker", "properties": {"port": {"type": "INTEGER", "value": 1883}}},
 *              {"pid": "io.hybridge.device"}]}
 * </pre>
 */
public final class SnapshotJson {

    private SnapshotJson() {
    }

    /** The file content; with a null id, the canonical text of the content alone. */
    public static String encode(Long id, SnapshotContent content) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (id != null) {
            json.put("id", id);
        }
        json.put("factoryPids", content.factoryPids());
        List<Object> configs = new ArrayList<>();
        for (SnapshotEntry entry : content.entries()) {
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("pid", entry.pid());
            if (entry.factoryPid() != null) {
                config.put("factoryPid", entry.factoryPid());
            }
            if (entry.properties() != null) {
                config.put("properties", properties(entry.properties()));
            }
            configs.add(config);
        }
        json.put("configs", configs);
        return id == null ? Json.write(json) : Json.writePretty(json);
    }

    /** The typed properties as stored: sorted by name, so equal properties give equal text. */
    public static Map<String, Object> properties(Map<String, TypedValue> properties) {
        Map<String, Object> json = new TreeMap<>();
        properties.forEach((name, value) -> {
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("type", value.type().name());
            property.put("value", value.toJson());
            if (value.isCollection()) {
                property.put("collection", true);
            }
            json.put(name, property);
        });
        return json;
    }

    /**
     * Reads a snapshot file.
     *
     * @throws IOException naming what is wrong, when the text is not a snapshot
     */
    public static Snapshot decode(String text) throws IOException {
        Object parsed = Json.parse(text);
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new IOException("not a JSON object");
        }
        if (!(root.get("id") instanceof Number id)) {
            throw new IOException("no numeric \"id\"");
        }
        List<String> factoryPids = new ArrayList<>();
        if (root.get("factoryPids") instanceof List<?> list) {
            list.forEach(p -> factoryPids.add(String.valueOf(p)));
        }
        if (!(root.get("configs") instanceof List<?> configs)) {
            throw new IOException("no \"configs\" list");
        }
        List<SnapshotEntry> entries = new ArrayList<>();
        for (Object config : configs) {
            if (!(config instanceof Map<?, ?> entry) || !(entry.get("pid") instanceof String pid)) {
                throw new IOException("a config without a \"pid\"");
            }
            Object factoryPid = entry.get("factoryPid");
            Map<String, TypedValue> properties = null;
            if (entry.get("properties") instanceof Map<?, ?> stored) {
                properties = new LinkedHashMap<>();
                for (Map.Entry<?, ?> property : stored.entrySet()) {
                    properties.put(String.valueOf(property.getKey()), typedValue(pid, property.getKey(), property.getValue()));
                }
            }
            entries.add(new SnapshotEntry(pid, factoryPid instanceof String f ? f : null, properties));
        }
        return new Snapshot(id.longValue(), new SnapshotContent(factoryPids, entries));
    }

    private static TypedValue typedValue(String pid, Object name, Object json) throws IOException {
        if (!(json instanceof Map<?, ?> property)) {
            throw new IOException(pid + ": property " + name + " is not a {\"type\", \"value\"} object");
        }
        PropertyType type = PropertyType.byName(String.valueOf(property.get("type")));
        if (type == null || property.get("value") == null) {
            throw new IOException(pid + ": property " + name + " has no known type or no value");
        }
        Object value = property.get("value");
        try {
            if (!(value instanceof List<?> list)) {
                return new TypedValue(type, type.fromJson(value));
            }
            List<Object> elements = new ArrayList<>();
            for (Object element : list) {
                elements.add(element == null ? null : type.fromJson(element));
            }
            return new TypedValue(type, TypedValue.containerOf(type, elements, Boolean.TRUE.equals(property.get("collection"))));
        } catch (IllegalArgumentException e) {
            throw new IOException(pid + ": property " + name + " = " + value + " is not " + type.withArticle(), e);
        }
    }
}
