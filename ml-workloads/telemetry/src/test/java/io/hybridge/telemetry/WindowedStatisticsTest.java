package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Statistics and anomalies against values worked out by hand. */
class WindowedStatisticsTest {

    private static final long W = 10_000;
    private static final Offset<Double> EXACT = within(1e-12);

    private static WindowedStatistics statistics(int baselineWindows, int minBaseline) {
        return new WindowedStatistics(W, 3.0, baselineWindows, minBaseline, 1000);
    }

    private static void add(WindowedStatistics s, long at, String sensor, double... values) {
        for (double v : values) {
            s.add(new Reading(sensor, v, at), at);
        }
    }

    private static SensorWindow only(List<WindowedStatistics.ClosedWindow> closed, String sensor) {
        assertThat(closed).hasSize(1);
        return closed.get(0).sensors().stream().filter(w -> w.sensor().equals(sensor)).findFirst().orElseThrow();
    }

    @Test
    void countMeanMinMaxAndSampleStandardDeviationPerSensor() {
        WindowedStatistics s = statistics(30, 10);
        add(s, 1_000, "s1", 1, 2);
        add(s, 2_000, "s2", 7);
        add(s, 5_000, "s1", 3, 4);

        List<WindowedStatistics.ClosedWindow> closed = s.closeUntil(W);

        assertThat(closed).hasSize(1);
        WindowedStatistics.ClosedWindow window = closed.get(0);
        assertThat(window.start()).isZero();
        assertThat(window.end()).isEqualTo(W);
        assertThat(window.readings()).isEqualTo(5);
        assertThat(window.sensors()).extracting(SensorWindow::sensor).containsExactly("s1", "s2");
        SensorWindow s1 = window.sensors().get(0);
        assertThat(s1.count()).isEqualTo(4);
        assertThat(s1.mean()).isCloseTo(2.5, EXACT);
        assertThat(s1.min()).isEqualTo(1);
        assertThat(s1.max()).isEqualTo(4);
        // deviations ±1.5, ±0.5: (2.25 + 0.25) * 2 / (4 - 1) = 5/3
        assertThat(s1.stddev()).isCloseTo(Math.sqrt(5.0 / 3.0), EXACT);
        assertThat(s1.anomalies()).isEmpty();
        assertThat(s1.baseline()).isNull();
        SensorWindow s2 = window.sensors().get(1);
        assertThat(s2.count()).isEqualTo(1);
        assertThat(s2.mean()).isEqualTo(7);
        assertThat(s2.stddev()).as("one reading: 0 (Tablesaw / Commons Math convention)").isZero();
    }

    @Test
    void windowsAreAlignedHalfOpenIntervalsOfArrivalTime() {
        WindowedStatistics s = statistics(30, 10);
        add(s, 19_999, "s1", 1);
        add(s, 20_000, "s1", 2);
        add(s, 29_999, "s1", 3);

        assertThat(s.closeUntil(19_999)).isEmpty();
        assertThat(s.closeUntil(20_000 - 1)).isEmpty();
        SensorWindow first = only(s.closeUntil(20_000), "s1");
        assertThat(first.windowStart()).isEqualTo(10_000);
        assertThat(first.windowEnd()).isEqualTo(20_000);
        assertThat(first.count()).isEqualTo(1);
        assertThat(s.closeUntil(29_999)).isEmpty();
        SensorWindow second = only(s.closeUntil(30_000), "s1");
        assertThat(second.windowStart()).isEqualTo(20_000);
        assertThat(second.count()).isEqualTo(2);
        assertThat(second.mean()).isEqualTo(2.5);
        assertThat(s.windowStart(-1)).as("before the epoch too").isEqualTo(-W);
    }

    @Test
    void severalEndedWindowsCloseOldestFirstAndEmptyOnesProduceNothing() {
        WindowedStatistics s = statistics(30, 10);
        add(s, 1_000, "s1", 1);
        add(s, 31_000, "s1", 2);

        List<WindowedStatistics.ClosedWindow> closed = s.closeUntil(45_000);

        assertThat(closed).extracting(WindowedStatistics.ClosedWindow::start).containsExactly(0L, 30_000L);
    }

    @Test
    void theSensorsTimestampIsReportedButArrivalDecidesTheWindow() {
        WindowedStatistics s = statistics(30, 10);
        s.add(new Reading("s1", 5, 999_999_000), 1_000);

        SensorWindow w = only(s.closeUntil(W), "s1");

        assertThat(w.windowStart()).isZero();
    }

    @Test
    void aReadingForAClosedWindowGoesIntoTheOldestOpenOne() {
        WindowedStatistics s = statistics(30, 10);
        add(s, 1_000, "s1", 1);
        s.closeUntil(W);

        add(s, 9_000, "s1", 2); // the clock stepped back

        SensorWindow late = only(s.closeUntil(2 * W), "s1");
        assertThat(late.windowStart()).isEqualTo(W);
        assertThat(late.mean()).isEqualTo(2);
    }

    @Test
    void aFullWindowDropsAndCountsTheRest() {
        WindowedStatistics s = new WindowedStatistics(W, 3.0, 30, 10, 3);
        for (int i = 0; i < 5; i++) {
            boolean kept = s.add(new Reading("s1", i, 0), 0);
            assertThat(kept).isEqualTo(i < 3);
        }
        WindowedStatistics.ClosedWindow window = s.closeUntil(W).get(0);
        assertThat(window.readings()).isEqualTo(3);
        assertThat(window.dropped()).isEqualTo(2);
        assertThat(window.sensors().get(0).max()).isEqualTo(2);
    }

    @Test
    void aSpikeAgainstThePreviousWindowsIsAnAnomalyWithItsZScore() {
        WindowedStatistics s = statistics(30, 10);
        // baseline: 10 and 12, five each: mean 11, squared deviations sum to 10, sample variance 10/9
        for (int i = 0; i < 5; i++) {
            add(s, 1_000 + i, "s1", 10, 12);
        }
        SensorWindow first = only(s.closeUntil(W), "s1");
        assertThat(first.anomalies()).as("no baseline yet").isEmpty();
        assertThat(first.baseline()).isNull();

        s.add(new Reading("s1", 11, 11_000), 11_000);
        s.add(new Reading("s1", 13, 12_000), 12_000);   // z = 2 / 1.054 = 1.90: ordinary
        s.add(new Reading("s1", 20, 12_345), 13_000);   // z = 9 / 1.054 = 8.54: anomaly
        s.add(new Reading("s1", 7.5, 12_500), 13_500);  // z = -3.5 / 1.054 = -3.32: anomaly (below)
        SensorWindow second = only(s.closeUntil(2 * W), "s1");

        double sd = Math.sqrt(10.0 / 9.0);
        assertThat(second.baseline().count()).isEqualTo(10);
        assertThat(second.baseline().mean()).isCloseTo(11, EXACT);
        assertThat(second.baseline().stddev()).isCloseTo(sd, EXACT);
        assertThat(second.anomalies()).hasSize(2);
        assertThat(second.anomalies().get(0).value()).isEqualTo(20);
        assertThat(second.anomalies().get(0).zScore()).isCloseTo(9 / sd, EXACT);
        assertThat(second.anomalies().get(0).epochMilli()).isEqualTo(12_345);
        assertThat(second.anomalies().get(1).value()).isEqualTo(7.5);
        assertThat(second.anomalies().get(1).zScore()).isCloseTo(-3.5 / sd, EXACT);
        // the window's statistics still count every reading
        assertThat(second.count()).isEqualTo(4);
        assertThat(second.mean()).isCloseTo((11 + 13 + 20 + 7.5) / 4, EXACT);
        assertThat(second.max()).isEqualTo(20);

        // the spikes stay out of the baseline: 10 + 2 readings, mean (110 + 24) / 12
        Baseline.Snapshot next = s.baseline("s1");
        assertThat(next.count()).isEqualTo(12);
        assertThat(next.mean()).isCloseTo(134.0 / 12, EXACT);
    }

    @Test
    void theBaselineCoversOnlyTheLastWindowsAndCombinesThemExactly() {
        WindowedStatistics s = statistics(2, 2);
        add(s, 1_000, "s1", 100, 100);
        s.closeUntil(W);
        add(s, 11_000, "s1", 1, 3);
        s.closeUntil(2 * W);
        add(s, 21_000, "s1", 5, 7, 9);
        s.closeUntil(3 * W);

        // the first window fell out: the baseline is 1, 3, 5, 7, 9 (mean 5, sample variance 40/4)
        Baseline.Snapshot b = s.baseline("s1");
        assertThat(b.count()).isEqualTo(5);
        assertThat(b.mean()).isCloseTo(5, EXACT);
        assertThat(b.stddev()).isCloseTo(Math.sqrt(10), EXACT);
    }

    @Test
    void aBaselineWithoutSpreadScoresNothing() {
        WindowedStatistics s = statistics(30, 2);
        add(s, 1_000, "s1", 4, 4, 4);
        s.closeUntil(W);
        add(s, 11_000, "s1", 400);

        SensorWindow w = only(s.closeUntil(2 * W), "s1");

        assertThat(w.anomalies()).isEmpty();
        assertThat(w.baseline()).isNull();
    }

    @Test
    void sensorsHaveTheirOwnBaselines() {
        WindowedStatistics s = statistics(30, 4);
        add(s, 1_000, "quiet", 1, 2, 1, 2);
        add(s, 1_000, "noisy", 0, 100, 0, 100);
        s.closeUntil(W);
        add(s, 11_000, "quiet", 50);
        add(s, 11_000, "noisy", 50);

        WindowedStatistics.ClosedWindow w = s.closeUntil(2 * W).get(0);

        assertThat(w.sensors()).extracting(SensorWindow::sensor).containsExactly("noisy", "quiet");
        assertThat(w.sensors().get(0).anomalies()).isEmpty();
        assertThat(w.sensors().get(1).anomalies()).hasSize(1);
    }

    @Test
    void aSensorSilentForTenBaselineSpansIsForgotten() {
        WindowedStatistics s = statistics(2, 2); // a baseline spans 2 windows: forgotten after 20 silent ones
        add(s, 1_000, "gone", 1, 2);
        s.closeUntil(W);
        add(s, 20 * W + 1_000, "stays", 1, 2);
        s.closeUntil(21 * W);
        assertThat(s.baseline("gone").count()).as("silent for 20 windows").isEqualTo(2);

        add(s, 21 * W + 1_000, "stays", 3);
        s.closeUntil(22 * W);

        assertThat(s.baseline("gone").count()).isZero();
        assertThat(s.baseline("stays").count()).isEqualTo(3);
    }
}
