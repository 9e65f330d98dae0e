package io.hybridge.cloud.internal.store;

/**
 * The key of a message in the store: priority in the top byte, append sequence below.
 *
 * <p>One {@code long} whose natural order is the delivery order (priority first, then FIFO), so
 * the B-tree's own order is the queue and no secondary index is needed.
 */
final class MessageKey {

    private static final int SEQUENCE_BITS = 56;
    static final long MAX_SEQUENCE = (1L << SEQUENCE_BITS) - 1;

    private MessageKey() {
    }

    static long of(int priority, long sequence) {
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence out of range: " + sequence);
        }
        return ((long) priority << SEQUENCE_BITS) | sequence;
    }

    static int priority(long key) {
        return (int) (key >>> SEQUENCE_BITS);
    }

    static long sequence(long key) {
        return key & MAX_SEQUENCE;
    }

    /** The first key any message of this priority can have. */
    static long first(int priority) {
        return of(priority, 0);
    }

    /** The last key any message of this priority can have. */
    static long last(int priority) {
        return of(priority, MAX_SEQUENCE);
    }
}
