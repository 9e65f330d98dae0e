package io.hybridge.cloud.internal.store;

/** What the store does with a new message when it would exceed a limit. */
public enum OverflowPolicy {
    /** Refuse the new message; what is queued stays. The publisher learns it at once. */
    REFUSE_NEW,
    /**
     * Make room by dropping the oldest messages of the least urgent priority, then the next least
     * urgent, but never one more urgent than the new message: if only those are left, the new
     * message is refused. Suits telemetry, where recent readings are worth more than old ones.
     */
    DROP_OLDEST_LOWEST_PRIORITY
}
