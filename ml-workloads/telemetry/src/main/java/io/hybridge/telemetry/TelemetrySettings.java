package io.hybridge.telemetry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The task's settings, all from environment variables: a container gets them from the engine,
 * the microVM image's init turns {@code hybridge.env.NAME=value} entries of the kernel command
 * line into the same variables. {@link #fromEnvironment} names the variable and the accepted
 * values in every error.
 *
 * @param inputTopic       topic filter the readings arrive on; may hold wildcards
 * @param sensorLevel      index of the topic level that names the sensor when the payload does
 *                         not (the first {@code +} of the filter), or -1
 * @param outputTopic      statistics topic; {@code {sensor}} is replaced by the sensor id
 * @param statusTopic      readiness, heartbeats and the Last Will
 * @param window           length of the tumbling windows
 * @param zScoreThreshold  a reading whose |z| against its sensor's baseline exceeds this is an anomaly
 * @param baselineWindows  the baseline is the sensor's readings in this many previous windows
 * @param minBaseline      readings a baseline needs before anomalies are flagged
 * @param maxWindows       stop (exit 0) after this many windows; 0 runs until stopped
 * @param maxReadingsPerWindow readings kept per window; more are counted as dropped
 * @param connectTimeout   how long the first connection may take, retries included
 */
public record TelemetrySettings(
        String mqttUri,
        String mqttClientId,
        String mqttUsername,
        char[] mqttPassword,
        int mqttQos,
        String inputTopic,
        int sensorLevel,
        String outputTopic,
        String statusTopic,
        Duration window,
        double zScoreThreshold,
        int baselineWindows,
        int minBaseline,
        long maxWindows,
        int maxReadingsPerWindow,
        Duration connectTimeout) {

    /** The settings failed validation; the message names the variable. */
    public static final class SettingsException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SettingsException(String message) {
            super(message);
        }
    }

    public static TelemetrySettings fromEnvironment(Map<String, String> env) {
        Env e = new Env(env);
        String mqttUri = e.text("MQTT_URI", "tcp://127.0.0.1:1883");
        validateMqttUri(mqttUri);
        String input = e.text("TELEMETRY_INPUT_TOPIC", "sensors/+/telemetry");
        validateFilter("TELEMETRY_INPUT_TOPIC", input);
        String output = e.publishTopic("TELEMETRY_OUTPUT_TOPIC", "telemetry/stats", true);
        String status = e.publishTopic("TELEMETRY_STATUS_TOPIC", "telemetry/status", false);
        return new TelemetrySettings(
                mqttUri,
                e.text("MQTT_CLIENT_ID", "hybridge-telemetry-" + UUID.randomUUID().toString().substring(0, 8)),
                e.text("MQTT_USERNAME", ""),
                e.text("MQTT_PASSWORD", "").toCharArray(),
                (int) e.integer("MQTT_QOS", 1, 0, 2),
                input,
                sensorLevel(input),
                output,
                status,
                Duration.ofMillis(Math.round(e.decimal("TELEMETRY_WINDOW_SECONDS", 10, 0.1, 86_400) * 1000)),
                e.decimal("TELEMETRY_ZSCORE_THRESHOLD", 3.0, 0.1, 1000),
                (int) e.integer("TELEMETRY_BASELINE_WINDOWS", 30, 1, 10_000),
                (int) e.integer("TELEMETRY_MIN_BASELINE", 10, 2, Integer.MAX_VALUE),
                e.integer("TELEMETRY_MAX_WINDOWS", 0, 0, Long.MAX_VALUE),
                (int) e.integer("TELEMETRY_MAX_READINGS_PER_WINDOW", 100_000, 1, 10_000_000),
                Duration.ofSeconds(e.integer("MQTT_CONNECT_TIMEOUT_SECONDS", 30, 1, 3600)));
    }

    /** The output topic for one sensor. */
    public String outputTopicFor(String sensor) {
        return outputTopic.replace("{sensor}", sensor);
    }

    /** For the start-up line: everything but the password. */
    public String summary() {
        return "mqtt=" + mqttUri + " clientId=" + mqttClientId + (mqttUsername.isEmpty() ? "" : " user=" + mqttUsername)
                + " input=" + inputTopic + " output=" + outputTopic + " status=" + statusTopic + " qos=" + mqttQos
                + " window=" + window.toMillis() / 1000.0 + "s zScore>" + zScoreThreshold + " baseline=" + baselineWindows
                + " windows/min " + minBaseline + " readings" + (maxWindows > 0 ? " maxWindows=" + maxWindows : "");
    }

    @Override
    public String toString() {
        return "TelemetrySettings[" + summary() + "]";
    }

    /** The level the first '+' matches: there the topic names the sensor. */
    static int sensorLevel(String filter) {
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("+")) {
                return i;
            }
        }
        return -1;
    }

    private static void validateMqttUri(String uri) {
        try {
            URI parsed = new URI(uri);
            String scheme = String.valueOf(parsed.getScheme()).toLowerCase(Locale.ROOT);
            // Paho's websocket transport (ws://, wss://) needs java.prefs, which the image's runtime leaves out
            if (!Set.of("tcp", "ssl").contains(scheme) || parsed.getHost() == null) {
                throw new SettingsException("MQTT_URI=" + uri + " is not a broker URI: use tcp://host:port or ssl://host:port");
            }
        } catch (URISyntaxException e) {
            throw new SettingsException("MQTT_URI=" + uri + " is not a URI: " + e.getMessage());
        }
    }

    private static void validateFilter(String name, String filter) {
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            boolean wildcardMisused = (level.contains("+") && !level.equals("+"))
                    || (level.contains("#") && (!level.equals("#") || i != levels.length - 1));
            if (wildcardMisused || filter.indexOf('\0') >= 0) {
                throw new SettingsException(name + "=" + filter + " is not a topic filter: '+' and '#' must fill a whole level, '#' only the last");
            }
        }
    }

    /** Typed reads of environment variables with errors that name them. */
    private record Env(Map<String, String> env) {

        String text(String name, String fallback) {
            String value = env.get(name);
            return value == null || value.isBlank() ? fallback : value.trim();
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

        String publishTopic(String name, String fallback, boolean sensorPlaceholder) {
            String value = text(name, fallback);
            if (value.contains("#") || value.contains("+") || value.indexOf('\0') >= 0) {
                throw new SettingsException(name + "=" + value + " is not a topic to publish to: no wildcards (+, #)"
                        + (sensorPlaceholder ? "; {sensor} stands for the sensor id" : ""));
            }
            return value;
        }
    }
}
