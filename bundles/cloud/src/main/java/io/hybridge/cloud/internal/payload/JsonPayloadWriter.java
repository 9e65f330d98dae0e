package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;
import io.hybridge.api.cloud.ValueType;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a payload as Kura "simple JSON" (see {@link KuraJsonCodec} for the shape). Metrics
 * whose type a plain JSON value would lose are written as a one-member typed object.
 */
final class JsonPayloadWriter {

    private JsonPayloadWriter() {
    }

    static byte[] write(KuraPayload payload) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (payload.timestamp() != null) {
            json.put(JsonPayloadFields.SENT_ON, payload.timestamp().toEpochMilli());
        }
        if (payload.position() != null) {
            json.put(JsonPayloadFields.POSITION, position(payload.position()));
        }
        Map<String, Object> metrics = new LinkedHashMap<>();
        payload.metrics().forEach((name, value) -> metrics.put(name, metricValue(value)));
        json.put(JsonPayloadFields.METRICS, metrics);
        if (payload.body() != null) {
            json.put(JsonPayloadFields.BODY, Base64.getEncoder().encodeToString(payload.body()));
        }
        try {
            return JSON.std.asBytes(json);
        } catch (IOException e) {
            // Only maps, strings, numbers and booleans go in; this would be a bug, not bad input.
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> position(KuraPosition p) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(JsonPayloadFields.LATITUDE, p.latitude());
        json.put(JsonPayloadFields.LONGITUDE, p.longitude());
        putIfSet(json, JsonPayloadFields.ALTITUDE, p.altitude());
        putIfSet(json, JsonPayloadFields.HEADING, p.heading());
        putIfSet(json, JsonPayloadFields.PRECISION, p.precision());
        putIfSet(json, JsonPayloadFields.SATELLITES, p.satellites());
        putIfSet(json, JsonPayloadFields.SPEED, p.speed());
        putIfSet(json, JsonPayloadFields.TIMESTAMP,
                p.timestamp() == null ? null : p.timestamp().toEpochMilli());
        putIfSet(json, JsonPayloadFields.STATUS, p.status());
        return json;
    }

    private static void putIfSet(Map<String, Object> json, String name, Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    /**
     * Plain JSON for the types a reader can tell apart from the JSON alone (an integer is an
     * INT64, a number with a fraction or exponent a DOUBLE), a typed object for the rest.
     */
    private static Object metricValue(Object value) {
        switch (ValueType.of(value)) {
            case DOUBLE:
                double d = (Double) value;
                // JSON has no NaN or infinity; the typed form carries them as a string.
                return Double.isFinite(d) ? value : typed("double", Double.toString(d));
            case FLOAT:
                float f = (Float) value;
                return typed("float", Float.isFinite(f) ? value : Float.toString(f));
            case INT32:
                return typed("int32", value);
            case BYTES:
                return typed("bytes", Base64.getEncoder().encodeToString((byte[]) value));
            default:
                return value; // INT64, BOOL, STRING
        }
    }

    private static Map<String, Object> typed(String type, Object value) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put(type, value);
        return json;
    }
}
