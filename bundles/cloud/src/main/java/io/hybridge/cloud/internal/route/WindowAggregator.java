package io.hybridge.cloud.internal.route;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import io.hybridge.api.cloud.KuraPayload;

/**
 * Aggregates a route's numeric readings per local topic over tumbling windows.
 *
 * <p>Windows are aligned to the epoch: with 60 s they run from 12:00:00 (included) to 12:01:00
 * (excluded), so all topics and all gateways share boundaries, and a reading exactly at a
 * boundary opens the next window. A window closes when the route's timer reaches its end
 * ({@link #closeDue}) or, should the timer be late, when the topic's next reading falls into a
 * later window ({@link #add} returns it then). A window that saw no reading sends nothing.
 *
 * <p>At most {@value #MAX_TOPICS} topics are open at once: a filter like {@code #} on a busy bus
 * must not grow without bound; readings of further topics are rejected until windows close.
 */
final class WindowAggregator {

    static final int MAX_TOPICS = 10_000;

    /** One closed window of one topic: what is sent to the cloud. */
    record Aggregate(String topic, Instant windowEnd, long count, double min, double max, double mean) {

        /** Metrics {@code count} (int64), {@code min}, {@code max}, {@code mean} (double), timestamp = window end. */
        KuraPayload toPayload() {
            return KuraPayload.builder().timestamp(windowEnd).metric("count", count).metric("min", min)
                    .metric("max", max).metric("mean", mean).build();
        }
    }

    private static final class Window {
        final long start;
        long count;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;

        Window(long start) {
            this.start = start;
        }

        void add(double value) {
            count++;
            min = Math.min(min, value);
            max = Math.max(max, value);
            sum += value;
        }
    }

    private final long windowMillis;
    private final Map<String, Window> open = new HashMap<>();

    WindowAggregator(Duration window) {
        if (window.toMillis() <= 0) {
            throw new IllegalArgumentException("an aggregation window must be positive, got " + window);
        }
        this.windowMillis = window.toMillis();
    }

    /**
     * Counts a reading into its topic's window.
     *
     * @return the topic's previous window if this reading closed it, else nothing
     * @throws RejectedMessageException when {@value #MAX_TOPICS} other topics are open already
     */
    synchronized List<Aggregate> add(String topic, double value, long nowMillis) throws RejectedMessageException {
        long start = Math.floorDiv(nowMillis, windowMillis) * windowMillis;
        Window window = open.get(topic);
        List<Aggregate> closed = List.of();
        if (window != null && window.start < start) {
            closed = List.of(close(topic, window));
            open.remove(topic);
            window = null;
        }
        // window.start > start: the clock went back; the reading joins the open window
        if (window == null) {
            if (open.size() >= MAX_TOPICS) {
                throw new RejectedMessageException(MAX_TOPICS + " topics are aggregated in this window already;"
                        + " narrow the route's local.topic filter");
            }
            window = new Window(start);
            open.put(topic, window);
        }
        window.add(value);
        return closed;
    }

    /** Closes every window that ends at or before {@code nowMillis}. */
    synchronized List<Aggregate> closeDue(long nowMillis) {
        List<Aggregate> closed = new ArrayList<>();
        for (Iterator<Map.Entry<String, Window>> it = open.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, Window> entry = it.next();
            if (entry.getValue().start + windowMillis <= nowMillis) {
                closed.add(close(entry.getKey(), entry.getValue()));
                it.remove();
            }
        }
        return closed;
    }

    /** When the window open at {@code nowMillis} ends: when the route's timer should look next. */
    long nextBoundary(long nowMillis) {
        return (Math.floorDiv(nowMillis, windowMillis) + 1) * windowMillis;
    }

    synchronized int openWindows() {
        return open.size();
    }

    private Aggregate close(String topic, Window window) {
        return new Aggregate(topic, Instant.ofEpochMilli(window.start + windowMillis), window.count, window.min,
                window.max, window.sum / window.count);
    }
}
