package io.hybridge.cloud.internal.route;

/**
 * A route configuration that cannot run. The message names the route's PID, the field, the
 * value found and what is allowed, so it can go into the log as it is.
 */
final class InvalidRouteException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String field;

    InvalidRouteException(String pid, String field, Object value, String allowed) {
        super("route " + pid + ": '" + field + "' is " + describe(value) + "; allowed: " + allowed);
        this.field = field;
    }

    /** The configuration field to fix, e.g. {@code qos}. */
    String field() {
        return field;
    }

    private static String describe(Object value) {
        if (value == null) {
            return "missing";
        }
        if (value instanceof String text && text.isBlank()) {
            return "empty";
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        return "'" + value + "'";
    }
}
