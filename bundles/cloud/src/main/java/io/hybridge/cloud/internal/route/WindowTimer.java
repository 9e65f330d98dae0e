package io.hybridge.cloud.internal.route;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs an aggregating route's window closing at each window boundary. In the framework, one
 * daemon thread per aggregating route; tests pass their own and tick it by hand.
 */
@FunctionalInterface
interface WindowTimer {

    /**
     * Starts calling {@code tick} after {@code firstDelayMillis} and then every
     * {@code periodMillis}; the returned action stops it.
     */
    Runnable start(String name, Runnable tick, long firstDelayMillis, long periodMillis);

    /** A scheduled executor with one daemon thread. */
    WindowTimer THREAD = (name, tick, firstDelayMillis, periodMillis) -> {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        });
        // fixed rate keeps the ticks on the boundaries, however long a tick takes
        timer.scheduleAtFixedRate(tick, firstDelayMillis, periodMillis, TimeUnit.MILLISECONDS);
        return timer::shutdownNow;
    };
}
