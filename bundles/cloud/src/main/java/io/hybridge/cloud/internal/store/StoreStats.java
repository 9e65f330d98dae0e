package io.hybridge.cloud.internal.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.SortedMap;

/**
 * A snapshot of the store for the console, metrics and the log.
 *
 * @param messages messages held (in flight included)
 * @param bytes bytes held, counted as in {@link StoreLimits#maxBytes()}
 * @param inFlight messages handed to the broker connection and not yet acknowledged
 * @param byPriority usage per priority, only priorities that hold messages or ever dropped one
 * @param dropped messages dropped to make room, since the store file was created
 * @param refused messages refused because the store was full, since the store file was created
 * @param oldestAge age of the oldest message held, empty if the store is empty
 * @param quarantinedFile where a corrupt store file was moved when this store was opened, if it was
 */
public record StoreStats(long messages, long bytes, long inFlight, SortedMap<Integer, PriorityStats> byPriority,
        long dropped, long refused, Optional<Duration> oldestAge, Optional<Path> quarantinedFile) {

    /** Usage of one priority. */
    public record PriorityStats(long messages, long bytes, long dropped) {
    }
}
