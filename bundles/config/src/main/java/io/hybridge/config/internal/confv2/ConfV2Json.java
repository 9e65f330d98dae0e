package io.hybridge.config.internal.confv2;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

import io.hybridge.config.internal.ComponentConfiguration;
import io.hybridge.config.internal.ComponentDefinition;
import io.hybridge.config.internal.Json;
import io.hybridge.config.internal.PidAndFactoryPid;
import io.hybridge.config.internal.PropertyType;
import io.hybridge.config.internal.Snapshot;
import io.hybridge.config.internal.SnapshotEntry;
import io.hybridge.config.internal.TypedValue;

/**
 * Kura's CONF-V2 response bodies: PidSet, PidAndFactoryPidSet, ComponentConfigurationList,
 * SnapshotIdSet and SnapshotId. This is the one place where configurations leave the gateway,
 * so this is where passwords become {@link TypedValue#PASSWORD_PLACEHOLDER} — in properties,
 * in snapshots and in Metatype defaults alike.
 */
final class ConfV2Json {

    private ConfV2Json() {
    }

    /** PidSet: {@code {"pids": [...]}} */
    static String pidSet(Collection<String> pids) {
        return Json.write(Map.of("pids", List.copyOf(pids)));
    }

    /** PidAndFactoryPidSet: {@code {"components": [{"pid": ..., "factoryPid": ...}]}}, factoryPid only for factory configurations. */
    static String pidsWithFactory(List<PidAndFactoryPid> components) {
        List<Object> json = new ArrayList<>();
        for (PidAndFactoryPid component : components) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("pid", component.pid());
            if (component.factoryPid() != null) {
                entry.put("factoryPid", component.factoryPid());
            }
            json.add(entry);
        }
        return Json.write(Map.of("components", json));
    }

    /** ComponentConfigurationList: {@code {"configs": [{"pid", "definition"?, "properties"?}]}} */
    static String configurations(List<ComponentConfiguration> configurations) {
        List<Object> configs = new ArrayList<>();
        for (ComponentConfiguration configuration : configurations) {
            configs.add(configuration(configuration));
        }
        return Json.write(Map.of("configs", configs));
    }

    /** A snapshot as a ComponentConfigurationList without definitions; components that had no configuration are left out. */
    static String snapshot(Snapshot snapshot) {
        List<Object> configs = new ArrayList<>();
        for (SnapshotEntry entry : snapshot.content().entries()) {
            if (entry.properties() != null) {
                Map<String, Object> config = new LinkedHashMap<>();
                config.put("pid", entry.pid());
                config.put("properties", properties(entry.properties()));
                configs.add(config);
            }
        }
        return Json.write(Map.of("configs", configs));
    }

    /** SnapshotIdSet: {@code {"ids": [...]}}, oldest first. */
    static String snapshotIds(List<Long> ids) {
        return Json.write(Map.of("ids", ids));
    }

    /** SnapshotId: {@code {"id": 1767225600000}} */
    static String snapshotId(long id) {
        return Json.write(Map.of("id", id));
    }

    static Map<String, Object> configuration(ComponentConfiguration configuration) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("pid", configuration.pid());
        if (configuration.definition() != null) {
            json.put("definition", definition(configuration.definition()));
        }
        if (configuration.properties() != null) {
            json.put("properties", properties(configuration.properties()));
        }
        return json;
    }

    /** ConfigurationProperties: {@code {"<id>": {"type": "INTEGER", "value": 1883}}}, passwords masked. */
    static Map<String, Object> properties(Map<String, TypedValue> properties) {
        Map<String, Object> json = new LinkedHashMap<>();
        properties.forEach((name, value) -> {
            TypedValue shown = value.masked();
            Map<String, Object> property = new LinkedHashMap<>();
            property.put("type", shown.type().name());
            property.put("value", shown.toJson());
            json.put(name, property);
        });
        return json;
    }

    /** ObjectClassDefinition: {@code {"id", "name", "description", "ad": [...]}} (icons are not carried). */
    static Map<String, Object> definition(ComponentDefinition definition) {
        ObjectClassDefinition ocd = definition.ocd();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", ocd.getID());
        putIfPresent(json, "name", ocd.getName());
        putIfPresent(json, "description", ocd.getDescription());
        List<Object> ads = new ArrayList<>();
        for (AttributeDefinition ad : definition.attributes()) {
            ads.add(attribute(ad, definition.isRequired(ad.getID()), definition.bounds(ad.getID())));
        }
        json.put("ad", ads);
        return json;
    }

    /**
     * AttributeDefinition: {@code id, name, description, type, cardinality, min, max,
     * isRequired, defaultValue, option}. The cardinality is Metatype's (0 one value, n > 0
     * an array of at most n, n < 0 a list of at most -n; ±2147483647 unbounded); a
     * multi-valued default is joined with commas, as Kura writes it.
     */
    static Map<String, Object> attribute(AttributeDefinition ad, boolean required, ComponentDefinition.Bounds bounds) {
        PropertyType type = PropertyType.ofAttribute(ad);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", ad.getID());
        putIfPresent(json, "name", ad.getName());
        putIfPresent(json, "description", ad.getDescription());
        json.put("type", type.name());
        json.put("cardinality", ad.getCardinality());
        putIfPresent(json, "min", bounds.min());
        putIfPresent(json, "max", bounds.max());
        json.put("isRequired", required);
        String[] defaults = ad.getDefaultValue();
        if (defaults != null) {
            json.put("defaultValue", type == PropertyType.PASSWORD ? TypedValue.PASSWORD_PLACEHOLDER
                    : String.join(",", escapeCommas(defaults)));
        }
        String[] values = ad.getOptionValues();
        if (values != null && values.length > 0) {
            String[] labels = ad.getOptionLabels();
            List<Object> options = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                Map<String, Object> option = new LinkedHashMap<>();
                option.put("label", labels != null && i < labels.length ? labels[i] : values[i]);
                option.put("value", values[i]);
                options.add(option);
            }
            json.put("option", options);
        }
        return json;
    }

    private static List<String> escapeCommas(String[] values) {
        List<String> escaped = new ArrayList<>();
        for (String value : values) {
            escaped.add(value == null ? "" : value.replace(",", "\\,"));
        }
        return escaped;
    }

    private static void putIfPresent(Map<String, Object> json, String name, String value) {
        if (value != null && !value.isEmpty()) {
            json.put(name, value);
        }
    }
}
