package io.hybridge.telemetry;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A sensor's reference statistics for anomaly scores: the non-anomalous readings of its last
 * {@code windows} windows that had readings. Each window contributes (count, mean, M2); they are
 * combined with the parallel form of Welford's algorithm (Chan et al.), so no reading is kept.
 */
public final class Baseline {

    /** The combined statistics; {@code stddev} is the sample standard deviation (n − 1). */
    public record Snapshot(long count, double mean, double stddev) {
    }

    private record Part(long count, double mean, double m2) {
    }

    private final int windows;
    private final Deque<Part> parts = new ArrayDeque<>();
    /** Start of the last window that contributed: a sensor gone quiet is forgotten after {@code windows} windows. */
    private long lastWindowStart;

    Baseline(int windows) {
        this.windows = windows;
    }

    /** Adds one window's statistics ({@code variance} sample variance; NaN or 0 for a single reading). */
    void add(long windowStart, long count, double mean, double variance) {
        if (count <= 0) {
            return;
        }
        lastWindowStart = windowStart;
        parts.addLast(new Part(count, mean, count > 1 ? variance * (count - 1) : 0));
        while (parts.size() > windows) {
            parts.removeFirst();
        }
    }

    Snapshot snapshot() {
        long n = 0;
        double mean = 0;
        double m2 = 0;
        for (Part p : parts) {
            long combined = n + p.count;
            double delta = p.mean - mean;
            mean += delta * p.count / combined;
            m2 += p.m2 + delta * delta * ((double) n * p.count / combined);
            n = combined;
        }
        return new Snapshot(n, mean, n > 1 ? Math.sqrt(m2 / (n - 1)) : Double.NaN);
    }

    long lastWindowStart() {
        return lastWindowStart;
    }

    /** Whether anomaly scores against it mean something: enough readings and some spread. */
    static boolean usable(Snapshot s, int minReadings) {
        return s.count >= minReadings && s.stddev > 0;
    }
}
