package io.hybridge.cloud.internal.store;

/**
 * How much the store may hold and what happens when it is full.
 *
 * @param maxMessages most messages held at once
 * @param maxBytes most bytes held at once, counted as the stored record size (topic + payload + 15 bytes)
 * @param policy what to do with a message that does not fit
 */
public record StoreLimits(long maxMessages, long maxBytes, OverflowPolicy policy) {

    public StoreLimits {
        if (maxMessages < 1) {
            throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be at least 1, was " + maxBytes);
        }
        if (policy == null) {
            throw new IllegalArgumentException("policy must be one of REFUSE_NEW, DROP_OLDEST_LOWEST_PRIORITY");
        }
    }
}
