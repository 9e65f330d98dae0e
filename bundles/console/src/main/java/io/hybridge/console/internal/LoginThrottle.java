package io.hybridge.console.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Rate-limits failed logins per client address: after {@code freeAttempts} failures the
 * client must wait, and the wait doubles with each further failure up to {@code maxLockout}.
 * A success clears the record. Bounded in memory, so a flood of addresses cannot exhaust it.
 */
final class LoginThrottle {

    private static final int MAX_TRACKED_CLIENTS = 10_000;

    private final int freeAttempts;
    private final Duration baseLockout;
    private final Duration maxLockout;
    private final Clock clock;
    private final Map<String, Failures> failures = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > MAX_TRACKED_CLIENTS;
        }
    };

    private record Failures(int count, long lockedUntilMillis) {
    }

    LoginThrottle(int freeAttempts, Duration baseLockout, Duration maxLockout, Clock clock) {
        this.freeAttempts = freeAttempts;
        this.baseLockout = baseLockout;
        this.maxLockout = maxLockout;
        this.clock = clock;
    }

    /** How long the client must still wait before trying again; zero when it may try now. */
    synchronized Duration retryAfter(String client) {
        Failures record = failures.get(client);
        if (record == null) {
            return Duration.ZERO;
        }
        long wait = record.lockedUntilMillis() - clock.millis();
        return wait > 0 ? Duration.ofMillis(wait) : Duration.ZERO;
    }

    /** Records a failure; returns the number of failures in a row for this client. */
    synchronized int failed(String client) {
        Failures previous = failures.get(client);
        int count = previous == null ? 1 : previous.count() + 1;
        long lockedUntil = 0;
        if (count >= freeAttempts) {
            int doublings = Math.min(count - freeAttempts, 20);
            Duration lockout = baseLockout.multipliedBy(1L << doublings);
            if (lockout.compareTo(maxLockout) > 0) {
                lockout = maxLockout;
            }
            lockedUntil = clock.millis() + lockout.toMillis();
        }
        failures.put(client, new Failures(count, lockedUntil));
        return count;
    }

    synchronized void succeeded(String client) {
        failures.remove(client);
    }
}
