package io.hybridge.fleet.rollout;

/** Where one gateway is in a rollout. */
public enum TargetState {
    /** Waiting for its wave, or for a free slot in it. */
    PENDING,
    /** EXEC sent, no reply yet. */
    REQUESTED,
    DOWNLOADING,
    INSTALLING,
    /** Installed and through its health gate. */
    SUCCEEDED,
    /** Already had the unit's version when the rollout started. */
    SKIPPED,
    FAILED,
    /** Installed, failed its health gate, the gateway restored the previous version. */
    ROLLED_BACK,
    /** No outcome within the per-gateway timeout. */
    TIMED_OUT,
    /** Not connected when its turn came, or lost while it ran. */
    OFFLINE,
    /** The rollout was aborted before this gateway's turn. */
    CANCELLED;

    public boolean terminal() {
        return this != PENDING && this != REQUESTED && this != DOWNLOADING && this != INSTALLING;
    }

    public boolean inFlight() {
        return this == REQUESTED || this == DOWNLOADING || this == INSTALLING;
    }

    public boolean success() {
        return this == SUCCEEDED || this == SKIPPED;
    }

    /** What counts against the error threshold: the unit or the gateway misbehaved. Offline is not the unit's fault. */
    public boolean error() {
        return this == FAILED || this == ROLLED_BACK || this == TIMED_OUT;
    }
}
