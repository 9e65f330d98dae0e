package io.hybridge.broker.internal;

import java.util.Map;
import java.util.function.Function;

/**
 * The broker's effective, validated settings: its configuration, with the port resolved from
 * Config Admin, the framework property or the default, in that order. Two equal settings run
 * the same broker, so an unchanged configuration does not restart it.
 *
 * @param portSource where the port came from, for the log
 */
record BrokerSettings(boolean enabled, String host, int port, String portSource, boolean allowAnonymous,
        TopicPermissions anonymous, int maxMessageSize) {

    static final int DEFAULT_PORT = 1883;
    static final String PORT_FRAMEWORK_PROPERTY = "hybridge.mqtt.port";
    static final int DEFAULT_MAX_MESSAGE_SIZE = 256 * 1024;
    /** The largest packet MQTT 3.1.1 can encode (remaining length). */
    static final int MAX_MESSAGE_SIZE = 268_435_455;

    /**
     * @param properties the raw component properties; only they tell whether {@code port} was
     *     set in Config Admin, since the annotation cannot tell a missing value from a default
     * @param frameworkProperties framework (launcher) properties, e.g. {@code BundleContext::getProperty}
     * @throws IllegalArgumentException naming the field, the wrong value and what is allowed
     */
    static BrokerSettings from(BrokerConfig config, Map<String, ?> properties,
            Function<String, String> frameworkProperties) {
        String host = config.host() == null ? "" : config.host().trim();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'host' is empty; expected an address to listen on,"
                    + " e.g. 0.0.0.0 (all interfaces) or 127.0.0.1");
        }
        int port;
        String portSource;
        Object configured = properties.get("port");
        String fromFramework = frameworkProperties.apply(PORT_FRAMEWORK_PROPERTY);
        if (configured != null && !String.valueOf(configured).isBlank()) {
            port = port(configured, "'port' of configuration " + LocalBroker.PID);
            portSource = "configuration " + LocalBroker.PID;
        } else if (fromFramework != null && !fromFramework.isBlank()) {
            port = port(fromFramework, "framework property " + PORT_FRAMEWORK_PROPERTY + " (env HYBRIDGE_MQTT_PORT)");
            portSource = "framework property " + PORT_FRAMEWORK_PROPERTY;
        } else {
            port = DEFAULT_PORT;
            portSource = "default";
        }
        int maxMessageSize = config.max_message_size();
        if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("'max.message.size' is " + maxMessageSize
                    + "; expected bytes between 1 and " + MAX_MESSAGE_SIZE);
        }
        TopicPermissions anonymous = TopicPermissions.parse("anonymous.publish", config.anonymous_publish(),
                "anonymous.subscribe", config.anonymous_subscribe());
        return new BrokerSettings(config.enabled(), host, port, portSource, config.allow_anonymous(),
                anonymous, maxMessageSize);
    }

    private static int port(Object value, String what) {
        long port;
        if (value instanceof Number) {
            Number number = (Number) value;
            if (number.doubleValue() != number.longValue()) {
                throw new IllegalArgumentException(what + " is " + value + "; expected a whole number between 1 and 65535");
            }
            port = number.longValue();
        } else {
            try {
                port = Long.parseLong(String.valueOf(value).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(what + " is '" + value + "'; expected a TCP port number between 1 and 65535");
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(what + " is " + port + "; expected a TCP port number between 1 and 65535");
        }
        return (int) port;
    }

    /** Whether the same broker would result: the port's source does not matter, only the port. */
    boolean sameBrokerAs(BrokerSettings other) {
        return other != null && enabled == other.enabled && host.equals(other.host) && port == other.port
                && allowAnonymous == other.allowAnonymous && anonymous.equals(other.anonymous)
                && maxMessageSize == other.maxMessageSize;
    }
}
