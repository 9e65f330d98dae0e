package io.hybridge.cloud.internal.route;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a route tells the log, without flooding it: a rejected topic is logged once with the
 * reason; failures and overload are logged when they start and when they end, counted in
 * between; the counters go to DEBUG at most once a minute.
 */
final class RouteLog {

    /** Topics remembered as already logged; beyond this, rejections are only counted. */
    static final int MAX_LOGGED_TOPICS = 1_000;
    private static final long SUMMARY_INTERVAL_MILLIS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(Route.class);

    private final String pid;
    private final LongSupplier millis;
    private final Set<String> rejectedTopics = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean tooManyRejectedTopics = new AtomicBoolean();
    private final AtomicLong failuresInARow = new AtomicLong();
    private final AtomicBoolean overloaded = new AtomicBoolean();
    private final AtomicLong lastSummary;

    RouteLog(String pid, LongSupplier millis) {
        this.pid = pid;
        this.millis = millis;
        this.lastSummary = new AtomicLong(millis.getAsLong());
    }

    void rejected(String topic, String reason) {
        if (rejectedTopics.size() < MAX_LOGGED_TOPICS) {
            if (rejectedTopics.add(topic)) {
                LOG.warn("Route {} rejects a message on '{}': {}. Further rejections on this topic are counted, not logged.",
                        pid, topic, reason);
            }
        } else if (tooManyRejectedTopics.compareAndSet(false, true)) {
            LOG.warn("Route {} rejects messages on more than {} topics; rejections on further topics are counted,"
                    + " not logged. Latest: '{}': {}", pid, MAX_LOGGED_TOPICS, topic, reason);
        }
    }

    void failed(Throwable cause) {
        if (failuresInARow.incrementAndGet() == 1) {
            LOG.warn("Route {} could not deliver a message: {}. Further failures are counted until one succeeds.",
                    pid, describe(cause));
        } else {
            LOG.debug("Route {} could not deliver a message: {}", pid, describe(cause));
        }
    }

    void delivered() {
        long failures = failuresInARow.getAndSet(0);
        if (failures > 0) {
            LOG.info("Route {} delivers again after {} failed messages", pid, failures);
        }
    }

    void overloaded(int inFlightLimit) {
        if (overloaded.compareAndSet(false, true)) {
            LOG.warn("Route {}: {} messages are waiting for the other side already; dropping new ones until it"
                    + " catches up", pid, inFlightLimit);
        }
    }

    void caughtUp(RouteCounters counters) {
        if (overloaded.compareAndSet(true, false)) {
            LOG.info("Route {} caught up; {} messages dropped so far for too many in flight", pid,
                    counters.droppedOverload);
        }
    }

    /** The counters at DEBUG, at most once a minute; cheap to call on every message. */
    void maybeSummarize(RouteCounters counters) {
        long now = millis.getAsLong();
        long last = lastSummary.get();
        if (now - last >= SUMMARY_INTERVAL_MILLIS && LOG.isDebugEnabled() && lastSummary.compareAndSet(last, now)) {
            LOG.debug("Route {}: {}", pid, counters);
        }
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while ((root instanceof java.util.concurrent.CompletionException
                || root instanceof java.util.concurrent.ExecutionException) && root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
