package io.hybridge.cloud.internal.route;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Sends a route's messages without waiting for them: the calling thread (the bus's or the cloud
 * connection's) only starts a send, and the outcome is counted when its stage completes. At QoS 1
 * a to-cloud stage completes after the store's fsync, so a slow disk would otherwise let sends
 * pile up without end: at most {@value #MAX_IN_FLIGHT} may be in flight per route, further
 * messages are dropped and counted until the other side catches up.
 */
final class Outbox {

    static final int MAX_IN_FLIGHT = 1_000;

    private final int limit;
    private final RouteCounters counters;
    private final RouteLog log;
    private final AtomicInteger inFlight = new AtomicInteger();

    Outbox(RouteCounters counters, RouteLog log) {
        this(MAX_IN_FLIGHT, counters, log);
    }

    Outbox(int limit, RouteCounters counters, RouteLog log) {
        this.limit = limit;
        this.counters = counters;
        this.log = log;
    }

    /** Starts one send unless too many are in flight; never blocks. */
    void send(Supplier<CompletionStage<Void>> sending) {
        if (inFlight.incrementAndGet() > limit) {
            inFlight.decrementAndGet();
            counters.droppedOverload.increment();
            log.overloaded(limit);
            return;
        }
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
