package io.hybridge.cloud.internal.route;

import java.util.concurrent.atomic.LongAdder;

/** A route's counters, incremented from the bus, cloud and completion threads at once. */
final class RouteCounters {

    final LongAdder received = new LongAdder();
    final LongAdder forwarded = new LongAdder();
    final LongAdder droppedByRateLimit = new LongAdder();
    final LongAdder droppedOverload = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder failed = new LongAdder();

    @Override
    public String toString() {
        return "received " + received + ", forwarded " + forwarded + ", dropped by rate limit " + droppedByRateLimit
                + ", dropped (too many in flight) " + droppedOverload + ", rejected " + rejected + ", failed " + failed;
    }
}
