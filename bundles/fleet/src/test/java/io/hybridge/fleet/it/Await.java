package io.hybridge.fleet.it;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;

/** Polls a condition until a deadline; no fixed sleeps. */
final class Await {
    private Await() {
    }

    static void until(String what, Duration timeout, Callable<Boolean> condition, Callable<Object> describe) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.call()) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("waited " + timeout.toSeconds() + " s for " + what + "; now: " + describe.call());
            }
            LockSupport.parkNanos(50_000_000L);
        }
    }
}
