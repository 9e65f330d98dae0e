package io.hybridge.vision;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The workload's settings, all from environment variables (the container's interface).
 * {@link #fromEnvironment} names the variable and the accepted values in every error.
 */
public record VisionSettings(
        String source,
        boolean loop,
        long maxFrames,
        boolean realtime,
        Set<Detection.Kind> detect,
        Path cascade,
        int maxWidth,
        double motionThreshold,
        int motionMinArea,
        double motionLearningRate,
        double faceScaleFactor,
        int faceMinNeighbours,
        int faceMinSize,
        boolean publishEmptyFrames,
        Duration statsInterval,
        String mqttUri,
        String mqttTopic,
        String mqttStatsTopic,
        String mqttClientId,
        String mqttUsername,
        char[] mqttPassword,
        int mqttQos) {

    /** MQTT_URI=none: detect without publishing (stats still go to standard output). */
    public static final String NO_BROKER = "none";

    /** The cascade that ships with the workload, relative to the application's home. */
    static final String DEFAULT_CASCADE = "cascades/haarcascade_frontalface_alt2.xml";

    /** The settings failed validation; the message names the variable. */
    public static final class SettingsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SettingsException(String message) {
            super(message);
        }
    }

    /**
     * @param home the application's home directory ({@code /app} in the image): the default
     *             cascade is looked up under it
     */
    public static VisionSettings fromEnvironment(Map<String, String> env, Path home) {
        Env e = new Env(env);
        String mqttUri = e.text("MQTT_URI", "tcp://127.0.0.1:1883");
        if (!mqttUri.equals(NO_BROKER)) {
            validateMqttUri(mqttUri);
        }
        String topic = e.topic("MQTT_TOPIC", "vision/detections");
        String password = e.text("MQTT_PASSWORD", "");
        return new VisionSettings(
                e.text("VISION_SOURCE", ""),
                e.flag("VISION_LOOP", false),
                e.integer("VISION_MAX_FRAMES", 0, 0, Long.MAX_VALUE),
                e.flag("VISION_REALTIME", false),
                e.kinds("VISION_DETECT", EnumSet.allOf(Detection.Kind.class)),
                Path.of(e.text("VISION_CASCADE", home.resolve(DEFAULT_CASCADE).toString())),
                (int) e.integer("VISION_MAX_WIDTH", 640, 32, 8192),
                e.decimal("VISION_MOTION_THRESHOLD", 25, 1, 255),
                (int) e.integer("VISION_MOTION_MIN_AREA", 150, 1, Integer.MAX_VALUE),
                e.decimal("VISION_MOTION_LEARNING_RATE", 0.2, 0.001, 1),
                e.decimal("VISION_FACE_SCALE_FACTOR", 1.1, 1.01, 2),
                (int) e.integer("VISION_FACE_MIN_NEIGHBOURS", 3, 0, 100),
                (int) e.integer("VISION_FACE_MIN_SIZE", 24, 8, 4096),
                e.flag("VISION_PUBLISH_EMPTY", false),
                Duration.ofMillis(Math.round(e.decimal("VISION_STATS_SECONDS", 5, 0.1, 86_400) * 1000)),
                mqttUri,
                topic,
                e.topic("MQTT_STATS_TOPIC", "vision/stats"),
                e.text("MQTT_CLIENT_ID", "hybridge-vision-" + UUID.randomUUID().toString().substring(0, 8)),
                e.text("MQTT_USERNAME", ""),
                password.toCharArray(),
                (int) e.integer("MQTT_QOS", 0, 0, 2));
    }

    public boolean publishes() {
        return !mqttUri.equals(NO_BROKER);
    }

    /** For the start-up line: everything but the password. */
    public String summary() {
        return "source=" + source + " loop=" + loop + (maxFrames > 0 ? " maxFrames=" + maxFrames : "") + " realtime=" + realtime
                + " detect=" + detect.stream().map(Detection.Kind::wireName).toList() + " maxWidth=" + maxWidth
                + (detect.contains(Detection.Kind.FACE) ? " cascade=" + cascade : "") + " mqtt=" + mqttUri
                + (publishes() ? " topic=" + mqttTopic + " stats=" + mqttStatsTopic + " qos=" + mqttQos + " clientId="
                        + mqttClientId + (mqttUsername.isEmpty() ? "" : " user=" + mqttUsername) : "");
    }

    @Override
    public String toString() {
        return "VisionSettings[" + summary() + "]";
    }

    private static void validateMqttUri(String uri) {
        try {
            URI parsed = new URI(uri);
            String scheme = String.valueOf(parsed.getScheme()).toLowerCase(Locale.ROOT);
            // Paho's websocket transport (ws://, wss://) needs java.prefs, which the image's runtime leaves out
            if (!Set.of("tcp", "ssl").contains(scheme) || parsed.getHost() == null) {
                throw new SettingsException("MQTT_URI=" + uri
                        + " is not a broker URI: use tcp://host:port or ssl://host:port, or none to publish nothing");
            }
        } catch (URISyntaxException e) {
            throw new SettingsException("MQTT_URI=" + uri + " is not a URI: " + e.getMessage());
        }
    }

    /** Typed reads of environment variables with errors that name them. */
    private record Env(Map<String, String> env) {

        String text(String name, String fallback) {
            String value = env.get(name);
            return value == null || value.isBlank() ? fallback : value.trim();
        }

        boolean flag(String name, boolean fallback) {
            String value = text(name, "").toLowerCase(Locale.ROOT);
            return switch (value) {
                case "" -> fallback;
                case "true", "yes", "1", "on" -> true;
                case "false", "no", "0", "off" -> false;
                default -> throw new SettingsException(name + "=" + env.get(name) + " is not a boolean: use true or false");
            };
        }

        long integer(String name, long fallback, long min, long max) {
            String value = text(name, "");
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                long parsed = Long.parseLong(value);
                if (parsed < min || parsed > max) {
                    throw new SettingsException(name + "=" + value + " is out of range: use " + min + ".." + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new SettingsException(name + "=" + value + " is not a whole number (" + min + ".." + max + ")");
            }
        }

        double decimal(String name, double fallback, double min, double max) {
            String value = text(name, "");
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                double parsed = Double.parseDouble(value);
                if (!(parsed >= min && parsed <= max)) {
                    throw new SettingsException(name + "=" + value + " is out of range: use " + min + ".." + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new SettingsException(name + "=" + value + " is not a number (" + min + ".." + max + ")");
            }
        }

        String topic(String name, String fallback) {
            String value = text(name, fallback);
            if (value.contains("#") || value.contains("+") || value.indexOf('\0') >= 0) {
                throw new SettingsException(name + "=" + value + " is not a topic to publish to: no wildcards (+, #)");
            }
            return value;
        }

        Set<Detection.Kind> kinds(String name, Set<Detection.Kind> fallback) {
            String value = text(name, "");
            if (value.isEmpty()) {
                return fallback;
            }
            Set<Detection.Kind> kinds = EnumSet.noneOf(Detection.Kind.class);
            for (String item : value.split(",")) {
                String wanted = item.trim().toLowerCase(Locale.ROOT);
                Detection.Kind kind = null;
                for (Detection.Kind k : Detection.Kind.values()) {
                    if (k.wireName().equals(wanted)) {
                        kind = k;
                    }
                }
                if (kind == null) {
                    throw new SettingsException(name + "=" + value + ": unknown detector '" + item.trim()
                            + "'; use a comma-separated list of motion, face");
                }
                kinds.add(kind);
            }
            return kinds;
        }
    }
}
