package io.hybridge.cloud.internal.store;

/**
 * A message the store holds, with the id under which it is marked in flight and acknowledged.
 *
 * <p>The id is opaque to callers. Ids of one store are unique and never reused (the sequence is
 * persisted); comparing two ids gives the delivery order.
 */
public record StoredMessage(long id, OutgoingMessage message) {

    /** The store-wide append sequence number: later appends have larger numbers, whatever their priority. */
    public long sequence() {
        return MessageKey.sequence(id);
    }
}
