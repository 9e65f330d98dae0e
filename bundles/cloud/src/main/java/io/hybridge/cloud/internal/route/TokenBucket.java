package io.hybridge.cloud.internal.route;

import java.util.function.LongSupplier;

/**
 * A route's rate limit: tokens refill continuously at {@code ratePerSecond}, a message takes one,
 * and a message that finds none is dropped. The bucket holds one second's worth (at least one
 * token), so a route may burst to its rate after a quiet spell but never sustain more. A rate of
 * 0 means no limit.
 *
 * <p>Tokens are counted in millionths, in whole numbers: with doubles, ten refills of 0.1 token
 * add up to 0.999..., and a route limited to 10/s would pass 9 in some seconds.
 */
final class TokenBucket {

    private static final long ONE_TOKEN = 1_000_000;

    private final boolean unlimited;
    /** Millionths of a token added per millisecond: the rate per second times 1000. */
    private final long refillPerMilli;
    private final long capacity;
    private final LongSupplier millis;
    private long tokens;
    private long refilledAt;

    /** @param millis the clock, e.g. {@code System::currentTimeMillis}; tests pass their own */
    TokenBucket(double ratePerSecond, LongSupplier millis) {
        this.unlimited = ratePerSecond == 0;
        this.refillPerMilli = Math.max(1, Math.round(ratePerSecond * 1000));
        this.capacity = Math.max(ONE_TOKEN, Math.round(ratePerSecond * ONE_TOKEN));
        this.millis = millis;
        this.tokens = capacity;
        this.refilledAt = millis.getAsLong();
    }

    /** Whether a message may pass now; takes its token when it may. */
    synchronized boolean tryTake() {
        if (unlimited) {
            return true;
        }
        long now = millis.getAsLong();
        long elapsed = now - refilledAt;
        if (elapsed > 0) { // a clock set back refills nothing, and takes nothing either
            long refill = elapsed >= capacity / refillPerMilli + 1 ? capacity : elapsed * refillPerMilli;
            tokens = Math.min(capacity, tokens + refill);
        }
        refilledAt = now;
        if (tokens >= ONE_TOKEN) {
            tokens -= ONE_TOKEN;
            return true;
        }
        return false;
    }
}
