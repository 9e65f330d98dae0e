package io.hybridge.config.internal.confv2;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;

import io.hybridge.config.internal.ConfigurationChange;
import io.hybridge.config.internal.ConfigurationFailure;
import io.hybridge.config.internal.Json;
import io.hybridge.config.internal.NewFactoryInstance;
import io.hybridge.config.internal.PropertyType;
import io.hybridge.config.internal.RequestedProperty;

/**
 * Reads Kura's CONF-V2 request bodies. A body that is not what the resource takes is refused
 * (400) with a message naming the field and showing the expected shape.
 */
final class ConfV2Requests {

    static final String PID_SET = "{\"pids\": [\"io.hybridge.broker\"]}";
    static final String SNAPSHOT_ID = "{\"id\": 1767225600000}";
    static final String UPDATE = "{\"configs\": [{\"pid\": \"io.hybridge.broker\", \"properties\":"
            + " {\"port\": {\"type\": \"INTEGER\", \"value\": 1883}}}], \"takeSnapshot\": true}";
    static final String CREATE = "{\"configs\": [{\"factoryPid\": \"io.hybridge.broker.account\", \"pid\": \"sensor1\","
            + " \"properties\": {\"username\": {\"type\": \"STRING\", \"value\": \"sensor1\"}}}], \"takeSnapshot\": true}";
    static final String DELETE = "{\"pids\": [\"io.hybridge.broker.account~sensor1\"], \"takeSnapshot\": true}";

    private ConfV2Requests() {
    }

    /** The body as a JSON object; {@code example} shows the caller what it should look like. */
    static Map<?, ?> object(String body, String example) {
        if (body == null || body.isBlank()) {
            throw invalid("the request has no body; expected JSON like " + example);
        }
        Object parsed;
        try {
            parsed = Json.parse(body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw invalid("the request body is not valid JSON (" + e.getOriginalMessage() + where + "); expected JSON like "
                    + example);
        } catch (IOException e) {
            throw invalid("the request body is not valid JSON (" + e.getMessage() + "); expected JSON like " + example);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw invalid("the request body is " + describe(parsed) + ", not a JSON object; expected JSON like " + example);
        }
        return map;
    }

    /** {@code {"pids": ["a", "b"]}} */
    static List<String> pids(String body) {
        return strings(object(body, PID_SET), "pids", PID_SET);
    }

    /** {@code {"id": 1767225600000}} */
    static long snapshotId(String body) {
        Object id = object(body, SNAPSHOT_ID).get("id");
        if (id == null) {
            throw invalid("missing \"id\"; expected JSON like " + SNAPSHOT_ID);
        }
        BigInteger exact = integral(id);
        if (exact == null || exact.signum() < 0 || exact.bitLength() > 63) {
            throw invalid("\"id\" = " + id + " is not a snapshot id (epoch milliseconds); expected JSON like " + SNAPSHOT_ID
                    + "; GET/snapshots lists them");
        }
        return exact.longValue();
    }

    /** UpdateComponentConfigurationRequest: {@code {"configs": [{"pid", "properties"}], "takeSnapshot"}}. */
    static List<ConfigurationChange> changes(Map<?, ?> body) {
        List<ConfigurationChange> changes = new ArrayList<>();
        List<Map<?, ?>> configs = objects(body, "configs", UPDATE);
        for (int i = 0; i < configs.size(); i++) {
            Map<?, ?> config = configs.get(i);
            String where = "configs[" + i + "]";
            String pid = requiredString(config, "pid", where, UPDATE);
            if (!config.containsKey("properties")) {
                throw invalid(where + " (" + pid + ") has no \"properties\"; expected JSON like " + UPDATE);
            }
            changes.add(new ConfigurationChange(pid, properties(config.get("properties"), where + ".properties")));
        }
        return changes;
    }

    /** CreateFactoryComponentConfigurationsRequest: {@code {"configs": [{"factoryPid", "pid", "properties"?}], "takeSnapshot"}}. */
    static List<NewFactoryInstance> newInstances(Map<?, ?> body) {
        List<NewFactoryInstance> instances = new ArrayList<>();
        List<Map<?, ?>> configs = objects(body, "configs", CREATE);
        for (int i = 0; i < configs.size(); i++) {
            Map<?, ?> config = configs.get(i);
            String where = "configs[" + i + "]";
            String factoryPid = requiredString(config, "factoryPid", where, CREATE);
            String pid = requiredString(config, "pid", where, CREATE);
            Object properties = config.get("properties");
            instances.add(new NewFactoryInstance(factoryPid, pid,
                    properties == null ? List.of() : properties(properties, where + ".properties")));
        }
        return instances;
    }

    /** DeleteFactoryComponentConfigurationsRequest: {@code {"pids": [...], "takeSnapshot"}}. */
    static List<String> deletedPids(Map<?, ?> body) {
        return strings(body, "pids", DELETE);
    }

    /** {@code "takeSnapshot"}: true when absent, as in Kura. */
    static boolean takeSnapshot(Map<?, ?> body) {
        Object take = body.get("takeSnapshot");
        if (take == null) {
            return true;
        }
        if (take instanceof Boolean b) {
            return b;
        }
        throw invalid("\"takeSnapshot\" = " + take + " must be true or false");
    }

    /** ConfigurationProperties: {@code {"<id>": {"type": "INTEGER", "value": 1883}, ...}} */
    static List<RequestedProperty> properties(Object json, String where) {
        if (!(json instanceof Map<?, ?> map)) {
            throw invalid(where + " must be an object of properties like {\"port\": {\"type\": \"INTEGER\", \"value\": 1883}},"
                    + " not " + describe(json));
        }
        List<RequestedProperty> properties = new ArrayList<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = String.valueOf(entry.getKey());
            String at = where + "." + name;
            if (!(entry.getValue() instanceof Map<?, ?> property)) {
                throw invalid(at + " must be an object like {\"type\": \"INTEGER\", \"value\": 1883}, not "
                        + describe(entry.getValue()));
            }
            PropertyType type = null;
            Object typeName = property.get("type");
            if (typeName != null) {
                type = PropertyType.byName(String.valueOf(typeName));
                if (type == null || !(typeName instanceof String)) {
                    throw invalid(at + " has the unknown type " + typeName + "; expected one of "
                            + Arrays.toString(PropertyType.values()));
                }
            }
            Object value = property.get("value");
            if (value instanceof Map<?, ?>) {
                throw invalid(at + ".value is an object; expected a string, number, boolean or a list of them");
            }
            properties.add(new RequestedProperty(name, type, value));
        }
        return properties;
    }

    private static List<Map<?, ?>> objects(Map<?, ?> body, String field, String example) {
        Object value = body.get(field);
        if (value == null) {
            throw invalid("missing \"" + field + "\"; expected JSON like " + example);
        }
        if (!(value instanceof List<?> list)) {
            throw invalid("\"" + field + "\" must be a list, not " + describe(value) + "; expected JSON like " + example);
        }
        List<Map<?, ?>> objects = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> map)) {
                throw invalid(field + "[" + i + "] must be an object, not " + describe(list.get(i))
                        + "; expected JSON like " + example);
            }
            objects.add(map);
        }
        return objects;
    }

    private static List<String> strings(Map<?, ?> body, String field, String example) {
        Object value = body.get(field);
        if (value == null) {
            throw invalid("missing \"" + field + "\"; expected JSON like " + example);
        }
        if (!(value instanceof List<?> list)) {
            throw invalid("\"" + field + "\" must be a list of PIDs, not " + describe(value) + "; expected JSON like " + example);
        }
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof String s) || s.isBlank()) {
                throw invalid(field + "[" + i + "] = " + list.get(i) + " is not a PID; expected JSON like " + example);
            }
            strings.add(s);
        }
        return strings;
    }

    private static String requiredString(Map<?, ?> object, String field, String where, String example) {
        Object value = object.get(field);
        if (!(value instanceof String s) || s.isBlank()) {
            throw invalid(where + (value == null ? " has no \"" + field + "\"" : "." + field + " = " + value
                    + " is not a non-empty string") + "; expected JSON like " + example);
        }
        return s;
    }

    private static BigInteger integral(Object value) {
        try {
            if (value instanceof BigDecimal d) {
                return d.toBigIntegerExact();
            }
            if (value instanceof BigInteger i) {
                return i;
            }
            if (value instanceof Integer || value instanceof Long) {
                return BigInteger.valueOf(((Number) value).longValue());
            }
            if (value instanceof String s) {
                return new BigInteger(s.trim());
            }
        } catch (ArithmeticException | NumberFormatException notIntegral) {
            return null;
        }
        return null;
    }

    private static String describe(Object json) {
        if (json == null) {
            return "null";
        }
        if (json instanceof List<?>) {
            return "a list";
        }
        if (json instanceof Map<?, ?>) {
            return "an object";
        }
        if (json instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "…" : s) + "\"";
        }
        return json instanceof Boolean ? "the boolean " + json : "the number " + json;
    }

    private static ConfigurationFailure invalid(String message) {
        return ConfigurationFailure.invalid(message);
    }
}
