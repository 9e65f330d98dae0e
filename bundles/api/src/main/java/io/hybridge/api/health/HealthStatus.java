package io.hybridge.api.health;

/** The state of one subsystem, ordered from best to worst for aggregation. */
public enum HealthStatus {
    /** Working as configured. */
    UP,
    /** Switched off by configuration; does not make the gateway unhealthy. */
    DISABLED,
    /** Still coming up; the gateway is not ready yet. */
    STARTING,
    /** Working, but with a problem an operator should look at. */
    DEGRADED,
    /** Not working. */
    DOWN;

    /** Whether a gateway whose subsystem is in this state may answer ready. */
    public boolean isReady() {
        return this == UP || this == DISABLED || this == DEGRADED;
    }
}
