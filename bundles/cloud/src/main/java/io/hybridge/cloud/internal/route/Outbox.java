package io.hybridge.cloud.internal.route;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends a route's messages without waiting for each: the calling thread (the bus's or the cloud
 * connection's) only starts a send, and the outcome is counted when its stage completes. At QoS 1
 * a to-cloud stage completes after the store's fsync, so a slow disk would otherwise let sends
 * pile up without end: at most {@value #MAX_IN_FLIGHT} may be in flight per route. Beyond that
 * the caller <em>waits</em> for room (back-pressure: the bus queues behind it), for up to
 * {@value #MAX_WAIT_SECONDS} s; only a store that stays stuck that long makes the route drop
 * (and count) a message. Dropping at once would lose messages on every fsync hiccup.
 */
final class Outbox {

    static final int MAX_IN_FLIGHT = 4_096;
    static final int MAX_WAIT_SECONDS = 10;

    private final int limit;
    private final RouteCounters counters;
    private final RouteLog log;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Semaphore room;
    private final long maxWaitNanos;

    Outbox(RouteCounters counters, RouteLog log) {
        this(MAX_IN_FLIGHT, counters, log);
    }

    Outbox(int limit, RouteCounters counters, RouteLog log) {
        this(limit, TimeUnit.SECONDS.toNanos(MAX_WAIT_SECONDS), counters, log);
    }

    Outbox(int limit, long maxWaitNanos, RouteCounters counters, RouteLog log) {
        this.limit = limit;
        this.maxWaitNanos = maxWaitNanos;
        this.room = new Semaphore(limit);
        this.counters = counters;
        this.log = log;
    }

    /** Starts one send, waiting for room while {@code limit} are in flight (see the class comment). */
    void send(Supplier<CompletionStage<Void>> sending) {
        if (!room.tryAcquire()) {
            boolean acquired;
            try {
                acquired = room.tryAcquire(maxWaitNanos, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                acquired = false;
            }
            if (!acquired) {
                counters.droppedOverload.increment();
                log.overloaded(limit);
                return;
            }
        }
        inFlight.incrementAndGet();
        CompletionStage<Void> stage;
        try {
            stage = sending.get();
        } catch (RuntimeException refused) {
            completed(refused);
            return;
        }
        stage.whenComplete((ignored, error) -> completed(error));
    }

    private void completed(Throwable error) {
        int stillInFlight = inFlight.decrementAndGet();
        room.release();
        if (error == null) {
            counters.forwarded.increment();
            log.delivered();
        } else {
            counters.failed.increment();
            log.failed(error);
        }
        if (stillInFlight < limit / 2) {
            log.caughtUp(counters);
        }
    }

    int inFlight() {
        return inFlight.get();
    }
}
