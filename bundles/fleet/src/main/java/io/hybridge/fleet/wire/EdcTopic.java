package io.hybridge.fleet.wire;

import java.util.List;
import java.util.Objects;

/**
 * A topic of Kura's control namespace, {@code $EDC/<account>/<client-id>/<app>/<rest...>}, taken
 * apart. Lifecycle messages are app {@code MQTT}; replies and notifications name the requester
 * as client id.
 */
public record EdcTopic(String account, String clientId, String app, List<String> rest) {
    public static final String PREFIX = "$EDC";

    public EdcTopic {
        Objects.requireNonNull(account);
        Objects.requireNonNull(clientId);
        Objects.requireNonNull(app);
        rest = List.copyOf(rest);
    }

    /** The parts of a {@code $EDC/...} topic with at least an app level, or {@code null} if it is not one. */
    public static EdcTopic parse(String topic) {
        String[] levels = topic.split("/", -1);
        if (levels.length < 4 || !PREFIX.equals(levels[0])) {
            return null;
        }
        return new EdcTopic(levels[1], levels[2], levels[3], List.of(levels).subList(4, levels.length));
    }

    /** Request topic: {@code $EDC/<account>/<gateway>/<app>/<VERB>/<resource>}. */
    public static String request(String account, String gateway, String app, String verb, String resource) {
        return String.join("/", PREFIX, level(account), level(gateway), app, verb, resource);
    }

    public static String level(String value) {
        if (value == null || value.isEmpty() || value.contains("/") || value.contains("+") || value.contains("#")) {
            throw new IllegalArgumentException("'" + value + "' must be one MQTT topic level: not empty, without '/', '+', '#'");
        }
        return value;
    }

    /** The level after the app, or {@code null}. */
    public String verb() {
        return rest.isEmpty() ? null : rest.get(0);
    }
}
