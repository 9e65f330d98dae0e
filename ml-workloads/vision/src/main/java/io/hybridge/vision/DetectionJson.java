package io.hybridge.vision;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * The workload's messages as JSON, written by hand: two flat shapes do not need a JSON
 * library in the image.
 *
 * <pre>
 * {"source":"...","frame":42,"timestamp":"2026-01-01T00:00:00.123Z","videoMs":2733.3,"width":320,"height":240,
 *  "detections":[{"type":"motion","box":{"x":10,"y":20,"w":30,"h":40},"score":0.41},
 *                {"type":"face","box":{"x":..,"y":..,"w":..,"h":..},"score":12.7}]}
 * {"type":"stats","source":"...","timestamp":"...","frames":300,"fps":93.1,"fpsOverall":90.4,"elapsedS":3.32,
 *  "meanFrameMs":10.2,"cpuS":4.10,"cpuMsPerFrame":13.667,"framesWithDetections":250,
 *  "detections":{"motion":180,"face":120},"published":250,"dropped":0,"last":false}
 * </pre>
 */
public final class DetectionJson {

    private DetectionJson() {
    }

    public static String frame(String source, FrameDetections result) {
        StringBuilder json = new StringBuilder(128 + 80 * result.detections().size());
        json.append("{\"source\":");
        string(json, source);
        json.append(",\"frame\":").append(result.frame());
        json.append(",\"timestamp\":");
        string(json, result.timestamp().toString());
        if (!Double.isNaN(result.videoMillis())) {
            json.append(",\"videoMs\":").append(number(result.videoMillis(), 1));
        }
        json.append(",\"width\":").append(result.width()).append(",\"height\":").append(result.height());
        json.append(",\"detections\":[");
        boolean first = true;
        for (Detection d : result.detections()) {
            json.append(first ? "" : ",");
            first = false;
            json.append("{\"type\":\"").append(d.kind().wireName()).append("\",\"box\":{\"x\":").append(d.x())
                    .append(",\"y\":").append(d.y()).append(",\"w\":").append(d.width()).append(",\"h\":")
                    .append(d.height()).append('}');
            if (d.score().isPresent()) {
                json.append(",\"score\":").append(number(d.score().getAsDouble(), 3));
            }
            json.append('}');
        }
        return json.append("]}").toString();
    }

    public static String stats(String source, Instant timestamp, ThroughputStats.Snapshot s) {
        StringBuilder json = new StringBuilder(320);
        json.append("{\"type\":\"stats\",\"source\":");
        string(json, source);
        json.append(",\"timestamp\":");
        string(json, timestamp.toString());
        json.append(",\"frames\":").append(s.frames());
        json.append(",\"fps\":").append(number(s.fps(), 2));
        json.append(",\"fpsOverall\":").append(number(s.fpsOverall(), 2));
        json.append(",\"elapsedS\":").append(number(s.elapsedSeconds(), 3));
        json.append(",\"meanFrameMs\":").append(number(s.meanFrameMillis(), 3));
        json.append(",\"cpuS\":").append(number(s.cpuSeconds(), 2));
        json.append(",\"cpuMsPerFrame\":").append(number(s.cpuMillisPerFrame(), 3));
        json.append(",\"framesWithDetections\":").append(s.framesWithDetections());
        json.append(",\"detections\":{");
        boolean first = true;
        for (Map.Entry<Detection.Kind, Long> e : s.detections().entrySet()) {
            json.append(first ? "" : ",").append('"').append(e.getKey().wireName()).append("\":").append(e.getValue());
            first = false;
        }
        json.append("},\"published\":").append(s.published());
        json.append(",\"dropped\":").append(s.dropped());
        json.append(",\"last\":").append(s.last());
        return json.append('}').toString();
    }

    private static String number(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return "null";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static void string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
