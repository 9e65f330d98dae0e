package io.hybridge.cloud.internal.route;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import io.hybridge.cloud.internal.payload.PayloadEncoding;

/**
 * A route's configuration, validated: everything a route needs, or an
 * {@link InvalidRouteException} naming the first field that is wrong.
 *
 * @param cloudTopic to-cloud: the template as configured (or {@code {topic}}); from-cloud: the
 *     cloud topic filter (or {@code #})
 * @param template to-cloud only (null otherwise): how local topics map to cloud topics
 * @param aggregationWindow zero: no aggregation
 */
record RouteSettings(String pid, Direction direction, String localTopic, String cloudApp, String cloudTopic,
        CloudTopicTemplate template, int qos, int priority, PayloadFormat format, PayloadEncoding encoding,
        double ratePerSecond, Duration aggregationWindow) {

    static final String DIRECTION = "direction";
    static final String LOCAL_TOPIC = "local.topic";
    static final String CLOUD_APP = "cloud.app";
    static final String CLOUD_TOPIC = "cloud.topic";
    static final String QOS = "qos";
    static final String PRIORITY = "priority";
    static final String PAYLOAD_FORMAT = "payload.format";
    static final String PAYLOAD_ENCODING = "payload.encoding";
    static final String RATE_LIMIT = "rate.limit.per.second";
    static final String AGGREGATION_WINDOW = "aggregation.window.seconds";
    static final int MAX_AGGREGATION_WINDOW_SECONDS = 86_400;

    private static final Pattern APP_ID = Pattern.compile("[^/+#\\u0000]+");

    boolean aggregates() {
        return !aggregationWindow.isZero();
    }

    /** What the route does, for logs and stats, e.g. {@code sensors/+/temperature -> TELEMETRY/{topic}}. */
    String describe() {
        return direction == Direction.TO_CLOUD
                ? localTopic + " -> " + cloudApp + "/" + cloudTopic
                : cloudApp + "/" + cloudTopic + " -> " + localTopic + "/...";
    }

    /**
     * @param properties the raw component properties, to show a value DS could not convert
     * @throws InvalidRouteException naming the PID, the field, the value and what is allowed
     */
    static RouteSettings from(RouteConfig config, Map<String, ?> properties, String pid) throws InvalidRouteException {
        Reader read = new Reader(pid, properties);

        String directionName = trim(read.value(DIRECTION, config::direction, "to-cloud or from-cloud"));
        Direction direction = Direction.byName(directionName);
        if (direction == null) {
            throw new InvalidRouteException(pid, DIRECTION, directionName, "to-cloud or from-cloud");
        }
        boolean toCloud = direction == Direction.TO_CLOUD;

        String localAllowed = toCloud
                ? "a local topic filter, e.g. sensors/+/temperature or sensors/#"
                : "a local topic prefix without '+' or '#', e.g. cloud/commands";
        String localTopic = trim(read.value(LOCAL_TOPIC, config::local_topic, localAllowed));
        WildcardFilter localFilter = null;
        if (localTopic.isEmpty()) {
            throw new InvalidRouteException(pid, LOCAL_TOPIC, properties.get(LOCAL_TOPIC), localAllowed);
        }
        if (toCloud) {
            try {
                localFilter = WildcardFilter.parse(localTopic);
            } catch (IllegalArgumentException e) {
                throw new InvalidRouteException(pid, LOCAL_TOPIC, localTopic, localAllowed + " (" + e.getMessage() + ")");
            }
        } else if (!isTopicPrefix(localTopic)) {
            throw new InvalidRouteException(pid, LOCAL_TOPIC, localTopic, localAllowed + ", not ending in '/'");
        }

        String appAllowed = "one topic level without '/', '+' or '#', e.g. TELEMETRY";
        String cloudApp = trim(read.value(CLOUD_APP, config::cloud_app, appAllowed));
        if (!APP_ID.matcher(cloudApp).matches()) {
            throw new InvalidRouteException(pid, CLOUD_APP, cloudApp, appAllowed);
        }

        String cloudTopic = trim(read.value(CLOUD_TOPIC, config::cloud_topic, "a cloud topic"));
        CloudTopicTemplate template = null;
        if (toCloud) {
            cloudTopic = cloudTopic.isEmpty() ? CloudTopicTemplate.TOPIC : cloudTopic;
            try {
                template = CloudTopicTemplate.parse(cloudTopic, localFilter);
            } catch (IllegalArgumentException e) {
                throw new InvalidRouteException(pid, CLOUD_TOPIC, cloudTopic, "a topic under the app;"
                        + " this one " + e.getMessage());
            }
        } else {
            cloudTopic = cloudTopic.isEmpty() ? "#" : cloudTopic;
            try {
                WildcardFilter.parse(cloudTopic);
            } catch (IllegalArgumentException e) {
                throw new InvalidRouteException(pid, CLOUD_TOPIC, cloudTopic,
                        "a topic filter under the app, e.g. commands/# (" + e.getMessage() + ")");
            }
        }

        int qos = read.value(QOS, config::qos, "0 or 1");
        if (qos < 0 || qos > 1) {
            throw new InvalidRouteException(pid, QOS, qos, "0 (at most once) or 1 (at least once)");
        }
        int priority = read.value(PRIORITY, config::priority, "0 (first) to 9 (last)");
        if (priority < 0 || priority > 9) {
            throw new InvalidRouteException(pid, PRIORITY, priority, "0 (first) to 9 (last)");
        }

        String formatName = trim(read.value(PAYLOAD_FORMAT, config::payload_format, "kura or raw"));
        PayloadFormat format = PayloadFormat.byName(formatName);
        if (format == null) {
            throw new InvalidRouteException(pid, PAYLOAD_FORMAT, formatName, "kura or raw");
        }

        String encodingName = trim(read.value(PAYLOAD_ENCODING, config::payload_encoding, "kura-protobuf or json"));
        PayloadEncoding encoding;
        try {
            encoding = PayloadEncoding.byName(encodingName);
        } catch (IllegalArgumentException e) {
            throw new InvalidRouteException(pid, PAYLOAD_ENCODING, encodingName, known(PayloadEncoding.values()));
        }

        String rateAllowed = "0 (unlimited) or a positive number of messages per second, e.g. 10 or 0.5";
        double rate = read.value(RATE_LIMIT, config::rate_limit_per_second, rateAllowed);
        if (!(rate >= 0) || Double.isInfinite(rate)) {
            throw new InvalidRouteException(pid, RATE_LIMIT, rate, rateAllowed);
        }

        String windowAllowed = "0 (no aggregation) to " + MAX_AGGREGATION_WINDOW_SECONDS + " seconds";
        int window = read.value(AGGREGATION_WINDOW, config::aggregation_window_seconds, windowAllowed);
        if (window < 0 || window > MAX_AGGREGATION_WINDOW_SECONDS) {
            throw new InvalidRouteException(pid, AGGREGATION_WINDOW, window, windowAllowed);
        }
        if (window > 0 && !toCloud) {
            throw new InvalidRouteException(pid, AGGREGATION_WINDOW, window, "0 for a from-cloud route (only"
                    + " to-cloud routes aggregate)");
        }
        if (window > 0 && format == PayloadFormat.RAW) {
            throw new InvalidRouteException(pid, PAYLOAD_FORMAT, formatName, "kura when "
                    + AGGREGATION_WINDOW + " is set: an aggregate is sent as a KuraPayload with metrics");
        }

        return new RouteSettings(pid, direction, localTopic, cloudApp, cloudTopic, template, qos, priority, format,
                encoding, rate, Duration.ofSeconds(window));
    }

    private static boolean isTopicPrefix(String prefix) {
        return prefix.indexOf('+') < 0 && prefix.indexOf('#') < 0 && prefix.indexOf('\u0000') < 0
                && !prefix.endsWith("/");
    }

    private static String trim(String value) {
        return value == null ? "" : value.trim();
    }

    private static String known(PayloadEncoding[] encodings) {
        StringBuilder names = new StringBuilder();
        for (PayloadEncoding encoding : encodings) {
            names.append(names.length() == 0 ? "" : " or ").append(encoding.configName());
        }
        return names.toString();
    }

    /**
     * Reads one field through the component property type. DS converts values when they are
     * read, so a value it cannot convert (qos = "one") fails here; the error then shows the
     * value as configured.
     */
    private record Reader(String pid, Map<String, ?> properties) {
        <T> T value(String field, Supplier<T> getter, String allowed) throws InvalidRouteException {
            try {
                return getter.get();
            } catch (RuntimeException conversion) {
                throw new InvalidRouteException(pid, field, properties.get(field), allowed);
            }
        }
    }
}
