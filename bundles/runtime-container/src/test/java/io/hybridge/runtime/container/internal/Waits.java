package io.hybridge.runtime.container.internal;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Waiting on a condition with a deadline (never a sleep that hopes). */
final class Waits {

    private Waits() {
    }

    /** Polls {@code probe} every 20 ms until it yields a value or {@code deadline} passes. */
    static <T> T until(Duration deadline, String what, Supplier<Optional<T>> probe) {
        long end = System.nanoTime() + deadline.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toMillis() + " ms: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what);
            }
        }
    }

    static void until(Duration deadline, String what, java.util.function.BooleanSupplier condition) {
        until(deadline, what, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }
}
