package io.hybridge.fleet.rollout;

import io.hybridge.fleet.inventory.GatewayId;

/**
 * One gateway in one rollout. Mutable, and only ever changed by the engine's thread (or by
 * {@link TargetTransitions} on its behalf); the store keeps a copy.
 */
public final class Target {
    public static final String INSTALL = "install";
    public static final String UNINSTALL = "uninstall";

    private final long id;
    private final long rolloutId;
    private final int ordinal;
    private final GatewayId gateway;
    private final int wave;
    private final String action;
    private final long unitId;
    private final String previousVersion;
    TargetState state;
    long jobId;
    int attempts;
    int progress;
    String message;
    long dispatched;
    long updated;
    long finished;
    /** Not stored: when a refused (busy) dispatch may be tried again. */
    long notBefore;

    public Target(long id, long rolloutId, int ordinal, GatewayId gateway, int wave, String action, long unitId,
            String previousVersion, TargetState state, long jobId, int attempts, int progress, String message,
            long dispatched, long updated, long finished) {
        this.id = id;
        this.rolloutId = rolloutId;
        this.ordinal = ordinal;
        this.gateway = gateway;
        this.wave = wave;
        this.action = action;
        this.unitId = unitId;
        this.previousVersion = previousVersion;
        this.state = state;
        this.jobId = jobId;
        this.attempts = attempts;
        this.progress = progress;
        this.message = message;
        this.dispatched = dispatched;
        this.updated = updated;
        this.finished = finished;
    }

    public long id() { return id; }
    public long rolloutId() { return rolloutId; }
    public int ordinal() { return ordinal; }
    public GatewayId gateway() { return gateway; }
    public int wave() { return wave; }
    public String action() { return action; }
    /** The unit to install, or 0 for an uninstall. */
    public long unitId() { return unitId; }
    /** The version of the unit's name the gateway had when the rollout was created, or {@code null}. */
    public String previousVersion() { return previousVersion; }
    public TargetState state() { return state; }
    public long jobId() { return jobId; }
    public int attempts() { return attempts; }
    public int progress() { return progress; }
    public String message() { return message; }
    public long dispatched() { return dispatched; }
    public long updated() { return updated; }
    public long finished() { return finished; }

    /** Milliseconds from dispatch to outcome, or -1. */
    public long durationMillis() {
        return finished > 0 && dispatched > 0 ? finished - dispatched : -1;
    }

    @Override
    public String toString() {
        return gateway + "[" + state + (message == null ? "" : ": " + message) + "]";
    }
}
