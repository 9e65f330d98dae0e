package io.hybridge.cloud.internal.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesWithJitterUpToTheCap() {
        Backoff top = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.999999);
        assertThat(top.next()).isEqualTo(Duration.ofMillis(999));
        assertThat(top.next()).isEqualTo(Duration.ofMillis(1999));
        assertThat(top.next()).isEqualTo(Duration.ofMillis(3999));
        for (int i = 0; i < 40; i++) {
            top.next();
        }
        assertThat(top.next()).isEqualTo(Duration.ofMillis(29999));

        Backoff bottom = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), () -> 0.0);
        assertThat(bottom.next()).as("never less than half the step").isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void resetsAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), () -> 1.0);
        backoff.next();
        backoff.next();
        backoff.reset();
        assertThat(backoff.failures()).isZero();
        assertThat(backoff.next()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), Math::random))
                .hasMessageContaining("0 < initial <= max");
    }
}
