package io.hybridge.telemetry;

import java.time.Instant;

/**
 * The JSON the task publishes, written by hand: a few flat shapes do not justify a JSON library
 * in the image (the tests parse every shape with Jackson). Numbers that are not finite (a single
 * reading's standard deviation) are written as {@code null}; instants as ISO-8601 UTC strings.
 */
final class TelemetryJson {

    private TelemetryJson() {
    }

    /** One sensor's window, e.g. {@code {"sensor":"s1","windowStart":"...","count":3,...}}. */
    static String window(SensorWindow w) {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"sensor\":");
        string(out, w.sensor());
        out.append(",\"windowStart\":");
        instant(out, w.windowStart());
        out.append(",\"windowEnd\":");
        instant(out, w.windowEnd());
        out.append(",\"count\":").append(w.count());
        out.append(",\"mean\":");
        number(out, w.mean());
        out.append(",\"min\":");
        number(out, w.min());
        out.append(",\"max\":");
        number(out, w.max());
        out.append(",\"stddev\":");
        number(out, w.stddev());
        out.append(",\"anomalies\":[");
        for (int i = 0; i < w.anomalies().size(); i++) {
            SensorWindow.Anomaly a = w.anomalies().get(i);
            out.append(i == 0 ? "" : ",").append("{\"value\":");
            number(out, a.value());
            out.append(",\"zScore\":");
            number(out, a.zScore());
            out.append(",\"ts\":");
            instant(out, a.epochMilli());
            out.append('}');
        }
        out.append("],\"baseline\":");
        if (w.baseline() == null) {
            out.append("null");
        } else {
            out.append("{\"count\":").append(w.baseline().count()).append(",\"mean\":");
            number(out, w.baseline().mean());
            out.append(",\"stddev\":");
            number(out, w.baseline().stddev());
            out.append('}');
        }
        return out.append('}').toString();
    }

    /** Starts a status message: {@code {"state":"...","clientId":"...","timestamp":"..."}} without the closing brace. */
    static StringBuilder status(String state, String clientId, long nowEpochMilli) {
        StringBuilder out = new StringBuilder(256).append("{\"state\":");
        string(out, state);
        out.append(",\"clientId\":");
        string(out, clientId);
        out.append(",\"timestamp\":");
        instant(out, nowEpochMilli);
        return out;
    }

    static void field(StringBuilder out, String name, long value) {
        out.append(",\"").append(name).append("\":").append(value);
    }

    static void field(StringBuilder out, String name, String value) {
        out.append(",\"").append(name).append("\":");
        string(out, value);
    }

    static void instantField(StringBuilder out, String name, long epochMilli) {
        out.append(",\"").append(name).append("\":");
        instant(out, epochMilli);
    }

    static void number(StringBuilder out, double value) {
        if (Double.isFinite(value)) {
            // Java's shortest form that reads back to the same double; "1.0E10" is valid JSON too
            out.append(value);
        } else {
            out.append("null");
        }
    }

    static void instant(StringBuilder out, long epochMilli) {
        out.append('"').append(Instant.ofEpochMilli(epochMilli)).append('"');
    }

    static void string(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
