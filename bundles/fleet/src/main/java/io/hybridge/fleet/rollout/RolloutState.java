package io.hybridge.fleet.rollout;

/** Where a rollout is. */
public enum RolloutState {
    CREATED, RUNNING, PAUSED,
    /** Every wave done and through its success threshold. */
    COMPLETED,
    /** Stopped for good; gateways already updated keep the unit. */
    ABORTED,
    /** Asked to roll back; the engine turns it into {@link #ROLLED_BACK} and starts a rollback rollout. */
    ROLLBACK_REQUESTED,
    /** Stopped, and a rollback rollout returns its gateways to their previous versions. */
    ROLLED_BACK;

    public boolean active() {
        return this == RUNNING || this == PAUSED || this == ROLLBACK_REQUESTED;
    }
}
