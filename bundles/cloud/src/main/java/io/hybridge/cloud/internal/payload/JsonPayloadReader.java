package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Reads Kura "simple JSON" (see {@link KuraJsonCodec} for the shape). Member names match
 * case-insensitively, as in Kura's decoder. Unlike Kura, which falls back to putting the whole
 * text into the body when it cannot map it, this reader refuses malformed input: a payload that
 * silently lost its metrics would look like data.
 */
final class JsonPayloadReader {
    // Floats as BigDecimal so a FLOAT metric is rounded once (decimal to float), not twice.
    private static final JSON JSON_READER = JSON.std.with(
            JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS, JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

    private JsonPayloadReader() {
    }

    static KuraPayload read(byte[] data) throws PayloadException {
        KuraPayload.Builder payload = KuraPayload.builder();
        for (Map.Entry<String, Object> member : parseObject(data).entrySet()) {
            String name = member.getKey();
            Object value = member.getValue();
            if (name.equalsIgnoreCase(JsonPayloadFields.SENT_ON)) {
                payload.timestamp(Instant.ofEpochMilli(toLong(value, "sentOn")));
            } else if (name.equalsIgnoreCase(JsonPayloadFields.POSITION)) {
                payload.position(position(asObject(value, "position")));
            } else if (name.equalsIgnoreCase(JsonPayloadFields.METRICS)) {
                for (Map.Entry<String, Object> metric : asObject(value, "metrics").entrySet()) {
                    payload.metric(metric.getKey(), metricValue(metric.getKey(), metric.getValue()));
                }
            } else if (name.equalsIgnoreCase(JsonPayloadFields.BODY)) {
                payload.body(base64(value, "body"));
            } else {
                throw new PayloadException("JSON payload: unknown member '" + name
                        + "' (expected sentOn, position, metrics, body)");
            }
        }
        return payload.build();
    }

    private static Map<String, Object> parseObject(byte[] data) throws PayloadException {
        try (JsonParser parser = JSON_READER.getStreamingFactory().createParser(data)) {
            Object root = JSON_READER.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw new PayloadException("not a JSON payload: text continues after the"
                        + " top-level object at " + describe(parser));
            }
            if (!(root instanceof Map)) {
                throw new PayloadException("not a JSON payload: the top-level value is "
                        + jsonType(root) + "; expected an object");
            }
            return asObject(root, "the top-level value");
        } catch (JsonProcessingException e) {
            throw new PayloadException("not a JSON payload: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                            + ", column " + e.getLocation().getColumnNr()), e);
        } catch (IOException e) {
            throw new PayloadException("not a JSON payload: " + e.getMessage(), e);
        }
    }

    private static String describe(JsonParser parser) {
        return "line " + parser.currentLocation().getLineNr()
                + ", column " + parser.currentLocation().getColumnNr();
    }

    private static KuraPosition position(Map<String, Object> json) throws PayloadException {
        Double latitude = null;
        Double longitude = null;
        KuraPosition.Builder b = KuraPosition.builder(0, 0);
        for (Map.Entry<String, Object> member : json.entrySet()) {
            String name = member.getKey();
            Object value = member.getValue();
            String what = "position." + name;
            switch (name.toLowerCase(Locale.ROOT)) {
                case "latitude": latitude = toDouble(value, what); break;
                case "longitude": longitude = toDouble(value, what); break;
                case "altitude": b.altitude(toDouble(value, what)); break;
                case "heading": b.heading(toDouble(value, what)); break;
                case "precision": b.precision(toDouble(value, what)); break;
                case "speed": b.speed(toDouble(value, what)); break;
                case "satellites": b.satellites(toInt(value, what)); break;
                case "status": b.status(toInt(value, what)); break;
                case "timestamp": b.timestamp(Instant.ofEpochMilli(toLong(value, what))); break;
                default:
                    throw new PayloadException("JSON payload: unknown member '" + what + "'"
                            + " (expected latitude, longitude, altitude, heading, precision,"
                            + " satellites, speed, timestamp, status)");
            }
        }
        if (latitude == null || longitude == null) {
            throw new PayloadException("JSON payload: position has no "
                    + (latitude == null ? "latitude" : "longitude")
                    + " (latitude and longitude are required)");
        }
        return b.latitude(latitude).longitude(longitude).build();
    }

    /** A plain JSON value takes the type JSON gives it; a typed object says its type. */
    private static Object metricValue(String name, Object value) throws PayloadException {
        String what = "metric '" + name + "'";
        if (value instanceof Boolean || value instanceof String) {
            return value;
        }
        if (isInteger(value)) {
            return toLong(value, what);
        }
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).doubleValue();
        }
        if (value instanceof Map) {
            return typedMetricValue(what, asObject(value, what));
        }
        throw new PayloadException("JSON payload: " + what + " is " + jsonType(value)
                + "; expected a number, boolean, string or typed object like {\"int32\": 7}");
    }

    private static Object typedMetricValue(String what, Map<String, Object> typed)
            throws PayloadException {
        if (typed.size() != 1) {
            throw new PayloadException("JSON payload: " + what + " is an object with "
                    + typed.size() + " members; a typed value has exactly one, like {\"int32\": 7}");
        }
        Map.Entry<String, Object> only = typed.entrySet().iterator().next();
        Object value = only.getValue();
        switch (only.getKey().toLowerCase(Locale.ROOT)) {
            case "double": return toDouble(value, what);
            case "float": return toFloat(value, what);
            case "int64": case "long": return toLong(value, what);
            case "int32": case "int": return toInt(value, what);
            case "bool": case "boolean":
                if (value instanceof Boolean) {
                    return value;
                }
                throw wrongType(what, value, "true or false");
            case "string":
                if (value instanceof String) {
                    return value;
                }
                throw wrongType(what, value, "a string");
            case "bytes": return base64(value, what);
            default:
                throw new PayloadException("JSON payload: " + what + " has unknown type '"
                        + only.getKey() + "' (expected double, float, int64, int32, bool,"
                        + " string or bytes)");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asObject(Object value, String what) throws PayloadException {
        if (value instanceof Map) {
            return (Map<String, Object>) value;
        }
        throw wrongType(what, value, "an object");
    }

    private static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger;
    }

    private static long toLong(Object value, String what) throws PayloadException {
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger) {
            throw new PayloadException("JSON payload: " + what + " = " + value
                    + " is out of the 64-bit integer range");
        }
        throw wrongType(what, value, "an integer");
    }

    private static int toInt(Object value, String what) throws PayloadException {
        long n = toLong(value, what);
        if (n != (int) n) {
            throw new PayloadException("JSON payload: " + what + " = " + n
                    + " is out of the 32-bit integer range");
        }
        return (int) n;
    }

    private static double toDouble(Object value, String what) throws PayloadException {
        if (value instanceof Number) {
            return value instanceof BigDecimal
                    ? ((BigDecimal) value).doubleValue() : ((Number) value).doubleValue();
        }
        if (value instanceof String) {
            return nonFinite((String) value, what);
        }
        throw wrongType(what, value, "a number");
    }

    private static float toFloat(Object value, String what) throws PayloadException {
        if (value instanceof BigDecimal) {
            return ((BigDecimal) value).floatValue();
        }
        if (value instanceof Number) {
            return ((Number) value).floatValue();
        }
        if (value instanceof String) {
            return (float) nonFinite((String) value, what);
        }
        throw wrongType(what, value, "a number");
    }

    // JSON numbers cannot be NaN or infinite, so the typed form spells them as strings.
    private static double nonFinite(String text, String what) throws PayloadException {
        switch (text) {
            case "NaN": return Double.NaN;
            case "Infinity": return Double.POSITIVE_INFINITY;
            case "-Infinity": return Double.NEGATIVE_INFINITY;
            default: throw wrongType(what, text, "a number, \"NaN\", \"Infinity\" or \"-Infinity\"");
        }
    }

    private static byte[] base64(Object value, String what) throws PayloadException {
        if (!(value instanceof String)) {
            throw wrongType(what, value, "a base64 string");
        }
        try {
            return Base64.getDecoder().decode((String) value);
        } catch (IllegalArgumentException e) {
            throw new PayloadException("JSON payload: " + what + " is not valid base64: "
                    + e.getMessage(), e);
        }
    }

    private static PayloadException wrongType(String what, Object value, String expected) {
        return new PayloadException("JSON payload: " + what + " is " + jsonType(value)
                + "; expected " + expected);
    }

    private static String jsonType(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof Iterable || value.getClass().isArray()) {
            return "an array";
        }
        if (value instanceof String) {
            return "the string \"" + value + "\"";
        }
        return value instanceof Boolean ? "the boolean " + value : "the number " + value;
    }
}
