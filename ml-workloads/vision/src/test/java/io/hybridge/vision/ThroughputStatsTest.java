package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ThroughputStatsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final AtomicLong cpuMillis = new AtomicLong(5_000);
    private final ThroughputStats stats = new ThroughputStats(now::get, () -> cpuMillis.get() / 1000.0);

    private static FrameDetections frame(long n, Detection... found) {
        return new FrameDetections(n, Instant.EPOCH, 0, 320, 240, List.of(found));
    }

    @Test
    void framesPerSecondPerIntervalAndOverall() {
        for (int i = 1; i <= 50; i++) {
            stats.frame(frame(i), 10_000_000L);
        }
        now.addAndGet(1_000_000_000L);
        ThroughputStats.Snapshot first = stats.snapshot(0, 0, false);
        assertThat(first.fps()).isEqualTo(50.0);
        assertThat(first.fpsOverall()).isEqualTo(50.0);
        assertThat(first.meanFrameMillis()).isEqualTo(10.0);

        for (int i = 51; i <= 60; i++) {
            stats.frame(frame(i), 10_000_000L);
        }
        now.addAndGet(1_000_000_000L);
        cpuMillis.addAndGet(1_200);
        ThroughputStats.Snapshot second = stats.snapshot(0, 0, true);
        assertThat(second.fps()).isEqualTo(10.0);
        assertThat(second.fpsOverall()).isEqualTo(30.0);
        assertThat(second.frames()).isEqualTo(60);
        assertThat(second.elapsedSeconds()).isEqualTo(2.0);
        assertThat(second.last()).isTrue();
        // CPU since the run started, not since the process did
        assertThat(second.cpuSeconds()).isCloseTo(1.2, within(1e-9));
        assertThat(second.cpuMillisPerFrame()).isCloseTo(20.0, within(1e-9));
    }

    @Test
    void countsDetectionsByKindAndFramesWithAny() {
        Detection face = new Detection(Detection.Kind.FACE, 0, 0, 10, 10, OptionalDouble.empty());
        Detection motion = new Detection(Detection.Kind.MOTION, 0, 0, 10, 10, OptionalDouble.of(0.5));
        stats.frame(frame(1, face, motion, motion), 1);
        stats.frame(frame(2), 1);
        stats.frame(frame(3, face), 1);

        ThroughputStats.Snapshot s = stats.snapshot(2, 1, false);

        assertThat(s.detections()).containsEntry(Detection.Kind.FACE, 2L).containsEntry(Detection.Kind.MOTION, 2L);
        assertThat(s.framesWithDetections()).isEqualTo(2);
        assertThat(s.published()).isEqualTo(2);
        assertThat(s.dropped()).isEqualTo(1);
    }

    @Test
    void noTimeNoRate() {
        assertThat(stats.snapshot(0, 0, false).fps()).isZero();
        assertThat(stats.snapshot(0, 0, false).cpuMillisPerFrame()).isNaN();
    }

    @Test
    void readsTheProcessCpuTimeFromProcfs() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (java (vision) x) R 1 4242 4242 0 -1 4194304 100 0 0 0 250 130 0 0 20 0 19 0 1 2 3";
        assertThat(ProcessCpu.parse(stat)).isEqualTo(3.8);
        assertThat(ProcessCpu.seconds()).isPositive();
    }
}
