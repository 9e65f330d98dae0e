package io.hybridge.cloud.internal.link;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays: exponential from {@code initial}, capped at {@code max}, with "full
 * jitter" (a random delay between half and all of the exponential step) so that a fleet of
 * gateways that lost the same broker does not come back in lock-step. Kura retries every
 * 60 s without backoff; a broker restart then meets every gateway at once.
 */
final class Backoff {

    private final Duration initial;
    private final Duration max;
    private final DoubleSupplier random;
    private int failures;

    Backoff(Duration initial, Duration max, DoubleSupplier random) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max, got " + initial + " and " + max);
        }
        this.initial = initial;
        this.max = max;
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    synchronized Duration next() {
        int doublings = failures++;
        long step = initial.toMillis();
        for (int i = 0; i < doublings && step < max.toMillis(); i++) {
            step *= 2;
        }
        step = Math.min(step, max.toMillis());
        long half = step / 2;
        return Duration.ofMillis(half + (long) (random.getAsDouble() * (step - half)));
    }

    /** A successful connection starts the next outage from the initial delay again. */
    synchronized void reset() {
        failures = 0;
    }

    synchronized int failures() {
        return failures;
    }
}
