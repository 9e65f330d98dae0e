package io.hybridge.api.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One subsystem's health: a status, a human-readable message and a few details
 * (values must be JSON-friendly: strings, numbers, booleans, lists or maps of those).
 */
public final class Health {
    private final HealthStatus status;
    private final String message;
    private final Map<String, Object> details;

    private Health(HealthStatus status, String message, Map<String, Object> details) {
        this.status = Objects.requireNonNull(status, "status");
        this.message = message == null ? "" : message;
        this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    public static Health of(HealthStatus status, String message) {
        return new Health(status, message, Map.of());
    }

    public static Health of(HealthStatus status, String message, Map<String, ?> details) {
        return new Health(status, message, new LinkedHashMap<>(details));
    }

    public static Health up(String message) {
        return of(HealthStatus.UP, message);
    }

    public static Health down(String message) {
        return of(HealthStatus.DOWN, message);
    }

    public HealthStatus status() {
        return status;
    }

    public String message() {
        return message;
    }

    public Map<String, Object> details() {
        return details;
    }

    @Override
    public String toString() {
        return status + (message.isEmpty() ? "" : " (" + message + ")");
    }
}
