package io.hybridge.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(2), Duration.ofSeconds(10), clock);

    @Test
    void letsFreeAttemptsThroughThenLocksOutWithDoublingWaits() {
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(1);
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(2);
        assertThat(throttle.retryAfter("10.0.0.1")).isZero();

        throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        assertThat(throttle.retryAfter("10.0.0.1")).isZero();

        throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfter("10.0.0.1")).isEqualTo(Duration.ofSeconds(4));
        clock.advance(Duration.ofSeconds(4));
        throttle.failed("10.0.0.1");
        throttle.failed("10.0.0.1");
        assertThat(throttle.retryAfter("10.0.0.1")).as("capped").isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void addressesAreIndependentAndSuccessClearsTheRecord() {
        for (int i = 0; i < 3; i++) {
            throttle.failed("10.0.0.1");
        }
        assertThat(throttle.retryAfter("10.0.0.2")).isZero();
        throttle.succeeded("10.0.0.1");
        assertThat(throttle.retryAfter("10.0.0.1")).isZero();
        assertThat(throttle.failed("10.0.0.1")).isEqualTo(1);
    }

    static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
