package io.hybridge.cloud.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.cloud.internal.route.WindowAggregator.Aggregate;

class WindowAggregatorTest {

    /** 2026-01-01T12:00:00Z: a minute boundary. */
    private static final long NOON = Instant.parse("2026-01-01T12:00:00Z").toEpochMilli();
    private final WindowAggregator minute = new WindowAggregator(Duration.ofMinutes(1));

    @Test
    void summarisesAWindowPerTopic() throws Exception {
        minute.add("sensors/a", 20, NOON + 1_000);
        minute.add("sensors/a", 22, NOON + 30_000);
        minute.add("sensors/a", 27, NOON + 59_999);
        minute.add("sensors/b", -5, NOON + 10_000);

        List<Aggregate> closed = minute.closeDue(NOON + 60_000);

        Instant end = Instant.ofEpochMilli(NOON + 60_000);
        assertThat(closed).containsExactlyInAnyOrder(
                new Aggregate("sensors/a", end, 3, 20, 27, 23),
                new Aggregate("sensors/b", end, 1, -5, -5, -5));
        assertThat(minute.openWindows()).isZero();
    }

    @Test
    void aReadingExactlyAtTheBoundaryOpensTheNextWindow() throws Exception {
        minute.add("t", 1, NOON + 59_999);

        List<Aggregate> closed = minute.add("t", 100, NOON + 60_000);
        assertThat(closed).containsExactly(new Aggregate("t", Instant.ofEpochMilli(NOON + 60_000), 1, 1, 1, 1));

        minute.add("t", 2, NOON + 60_010);
        assertThat(minute.closeDue(NOON + 120_000))
                .containsExactly(new Aggregate("t", Instant.ofEpochMilli(NOON + 120_000), 2, 2, 100, 51));
    }

    @Test
    void aLateReadingReturnsTheWindowItClosed() throws Exception {
        minute.add("t", 1, NOON);
        minute.add("t", 3, NOON + 1);
        List<Aggregate> closed = minute.add("t", 9, NOON + 60_000);
        assertThat(closed).containsExactly(new Aggregate("t", Instant.ofEpochMilli(NOON + 60_000), 2, 1, 3, 2));
        assertThat(minute.openWindows()).isEqualTo(1);
    }

    @Test
    void windowsStillRunningStayOpen() throws Exception {
        minute.add("t", 1, NOON + 10);
        assertThat(minute.closeDue(NOON + 59_999)).isEmpty();
        assertThat(minute.closeDue(NOON + 60_000)).hasSize(1);
        assertThat(minute.closeDue(NOON + 120_000)).as("an empty window sends nothing").isEmpty();
    }

    @Test
    void boundariesAreAlignedToTheEpoch() {
        assertThat(minute.nextBoundary(NOON)).isEqualTo(NOON + 60_000);
        assertThat(minute.nextBoundary(NOON + 59_999)).isEqualTo(NOON + 60_000);
        assertThat(new WindowAggregator(Duration.ofSeconds(15)).nextBoundary(NOON + 16_000)).isEqualTo(NOON + 30_000);
    }

    @Test
    void aClockSetBackKeepsTheOpenWindow() throws Exception {
        minute.add("t", 1, NOON + 61_000);
        assertThat(minute.add("t", 2, NOON + 5_000)).isEmpty();
        assertThat(minute.closeDue(NOON + 120_000)).containsExactly(
                new Aggregate("t", Instant.ofEpochMilli(NOON + 120_000), 2, 1, 2, 1.5));
    }

    @Test
    void refusesTopicsBeyondTheBound() throws Exception {
        for (int i = 0; i < WindowAggregator.MAX_TOPICS; i++) {
            minute.add("t/" + i, i, NOON);
        }
        assertThatThrownBy(() -> minute.add("t/one-more", 1, NOON)).isInstanceOf(RejectedMessageException.class)
                .hasMessageContaining("narrow the route's local.topic");
        minute.add("t/0", 1, NOON + 1); // an open topic still counts
    }

    @Test
    void anAggregateIsAKuraPayloadWithTypedMetrics() {
        KuraPayload payload = new Aggregate("t", Instant.ofEpochMilli(NOON), 4, 1.5, 9, 4.25).toPayload();
        assertThat(payload.timestamp()).isEqualTo(Instant.ofEpochMilli(NOON));
        assertThat(payload.metrics()).containsExactly(
                java.util.Map.entry("count", 4L), java.util.Map.entry("min", 1.5),
                java.util.Map.entry("max", 9.0), java.util.Map.entry("mean", 4.25));
        assertThat(payload.body()).isNull();
    }
}
