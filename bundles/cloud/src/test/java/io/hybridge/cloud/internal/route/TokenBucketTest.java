package io.hybridge.cloud.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class TokenBucketTest {

    private final AtomicLong now = new AtomicLong(1_000_000);

    private int taken(TokenBucket bucket, int attempts) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.tryTake()) {
                taken++;
            }
        }
        return taken;
    }

    @Test
    void zeroMeansUnlimited() {
        assertThat(taken(new TokenBucket(0, now::get), 100_000)).isEqualTo(100_000);
    }

    @Test
    void burstsToOneSecondsWorthThenHoldsTheRate() {
        TokenBucket bucket = new TokenBucket(10, now::get);
        assertThat(taken(bucket, 50)).isEqualTo(10);

        now.addAndGet(100); // a tenth of a second: one more token
        assertThat(taken(bucket, 50)).isEqualTo(1);

        // a sustained minute at 100 attempts per second passes 10 per second
        int passed = 0;
        for (int tick = 0; tick < 6000; tick++) {
            now.addAndGet(10);
            passed += taken(bucket, 1);
        }
        assertThat(passed).isEqualTo(600);
    }

    @Test
    void aQuietSpellRefillsNoMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(5, now::get);
        taken(bucket, 5);
        now.addAndGet(3_600_000);
        assertThat(taken(bucket, 100)).isEqualTo(5);
    }

    @Test
    void fractionalRatesSpaceMessagesOut() {
        TokenBucket bucket = new TokenBucket(0.5, now::get); // one every two seconds
        assertThat(bucket.tryTake()).isTrue();
        now.addAndGet(1_999);
        assertThat(bucket.tryTake()).isFalse();
        now.addAndGet(1);
        assertThat(bucket.tryTake()).isTrue();
    }

    @Test
    void aClockSetBackGivesNothingAway() {
        TokenBucket bucket = new TokenBucket(1, now::get);
        assertThat(bucket.tryTake()).isTrue();
        now.addAndGet(-10_000);
        assertThat(bucket.tryTake()).isFalse();
        now.addAndGet(1_000);
        assertThat(bucket.tryTake()).as("a second has passed since the clock was set back: one token, not a frozen bucket")
                .isTrue();
        assertThat(bucket.tryTake()).isFalse();
    }
}
