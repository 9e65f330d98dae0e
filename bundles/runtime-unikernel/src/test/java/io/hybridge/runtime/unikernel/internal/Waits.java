package io.hybridge.runtime.unikernel.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition with a deadline (no fixed sleeps in tests). */
final class Waits {

    private Waits() {
    }

    static void until(Duration deadline, String what, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }
}
