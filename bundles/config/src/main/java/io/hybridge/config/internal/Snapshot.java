package io.hybridge.config.internal;

/** A stored snapshot: its id (epoch milliseconds when it was written, as in Kura) and content. */
public record Snapshot(long id, SnapshotContent content) {
}
