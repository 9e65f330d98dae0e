package io.hybridge.telemetry;

import java.util.List;

/**
 * One sensor's statistics over one window: what is published.
 *
 * @param stddev    sample standard deviation (n − 1); 0 for a single reading (Tablesaw's convention)
 * @param anomalies readings whose |z| against {@code baseline} exceeded the threshold, in arrival order
 * @param baseline  the statistics the z-scores were taken against (before this window); null
 *                  while the sensor has too few readings or no spread to score against
 */
public record SensorWindow(String sensor, long windowStart, long windowEnd, long count, double mean, double min,
                           double max, double stddev, List<Anomaly> anomalies, Baseline.Snapshot baseline) {

    public SensorWindow {
        anomalies = List.copyOf(anomalies);
    }

    /** A reading that stands out: {@code zScore = (value − baseline mean) / baseline stddev}. */
    public record Anomaly(double value, double zScore, long epochMilli) {
    }
}
