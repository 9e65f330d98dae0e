package io.hybridge.telemetry;

import static tech.tablesaw.aggregate.AggregateFunctions.count;
import static tech.tablesaw.aggregate.AggregateFunctions.max;
import static tech.tablesaw.aggregate.AggregateFunctions.mean;
import static tech.tablesaw.aggregate.AggregateFunctions.min;
import static tech.tablesaw.aggregate.AggregateFunctions.stdDev;
import static tech.tablesaw.aggregate.AggregateFunctions.variance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import tech.tablesaw.aggregate.AggregateFunction;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.selection.Selection;

/**
 * Tumbling windows of readings and their statistics per sensor, computed with Tablesaw.
 *
 * <p>Windows are {@code [k·w, (k+1)·w)} on the task's clock (epoch milliseconds), so every
 * instance of the task cuts the same windows. A reading belongs to the window its <em>arrival</em>
 * falls in: sensors' clocks (the payload's {@code ts}) are reported, never trusted for windowing,
 * so a sensor with a wrong clock cannot hold a window open or land in a closed one. A reading
 * that arrives for a window already closed (the clock stepped back) goes into the oldest open one.
 *
 * <p>When a window closes, its readings become a table (sensor, value, ts) and
 * {@code summarize(value, count, mean, min, max, stdDev).by(sensor)} gives the statistics. Every
 * reading gets a z-score against its sensor's {@link Baseline} as it was before this window
 * (vectorised: {@code (value − baselineMean) / baselineStd}); |z| above the threshold flags it.
 * The window's non-anomalous readings then join the baseline, so one spike does not widen the
 * band that should catch the next. A sensor silent for ten times as long as its baseline reaches
 * back is forgotten, so memory follows the sensors that are active.
 *
 * <p>Thread-safe: the MQTT callback adds, the window timer closes.
 */
public final class WindowedStatistics {

    /** What closing one window produced. */
    public record ClosedWindow(long start, long end, List<SensorWindow> sensors, int readings, long dropped) {
    }

    /** A sensor silent for this many baseline spans is forgotten. */
    static final long FORGET_AFTER_BASELINES = 10;

    private static final String SENSOR = "sensor";
    private static final String VALUE = "value";
    private static final String TS = "ts";

    private final long windowMillis;
    private final double zScoreThreshold;
    private final int baselineWindows;
    private final int minBaseline;
    private final int maxReadingsPerWindow;

    private final TreeMap<Long, Buffer> open = new TreeMap<>();
    private final Map<String, Baseline> baselines = new HashMap<>();
    /** Everything before this instant is closed. */
    private long closedUntil = Long.MIN_VALUE;

    public WindowedStatistics(long windowMillis, double zScoreThreshold, int baselineWindows, int minBaseline,
                              int maxReadingsPerWindow) {
        if (windowMillis <= 0) {
            throw new IllegalArgumentException("windowMillis must be positive: " + windowMillis);
        }
        this.windowMillis = windowMillis;
        this.zScoreThreshold = zScoreThreshold;
        this.baselineWindows = baselineWindows;
        this.minBaseline = minBaseline;
        this.maxReadingsPerWindow = maxReadingsPerWindow;
    }

    public static WindowedStatistics of(TelemetrySettings settings) {
        return new WindowedStatistics(settings.window().toMillis(), settings.zScoreThreshold(), settings.baselineWindows(),
                settings.minBaseline(), settings.maxReadingsPerWindow());
    }

    /** Start of the window holding {@code epochMilli}. */
    public long windowStart(long epochMilli) {
        return Math.floorDiv(epochMilli, windowMillis) * windowMillis;
    }

    /** End of the window holding {@code epochMilli}: when it should be closed. */
    public long windowEnd(long epochMilli) {
        return windowStart(epochMilli) + windowMillis;
    }

    /**
     * Adds a reading that arrived at {@code arrivedEpochMilli}.
     *
     * @return false when its window already holds the maximum of readings (it is dropped and counted)
     */
    public synchronized boolean add(Reading reading, long arrivedEpochMilli) {
        long start = Math.max(windowStart(arrivedEpochMilli), closedUntil);
        Buffer buffer = open.computeIfAbsent(start, s -> new Buffer());
        if (buffer.size >= maxReadingsPerWindow) {
            buffer.dropped++;
            return false;
        }
        buffer.add(reading);
        return true;
    }

    /**
     * Closes every window that ended at or before {@code nowEpochMilli}, oldest first. Windows
     * without readings produce nothing.
     */
    public List<ClosedWindow> closeUntil(long nowEpochMilli) {
        List<ClosedWindow> closed = new ArrayList<>();
        synchronized (this) {
            long limit = windowStart(nowEpochMilli);
            while (!open.isEmpty() && open.firstKey() < limit) {
                Map.Entry<Long, Buffer> first = open.pollFirstEntry();
                closed.add(close(first.getKey(), first.getValue()));
            }
            closedUntil = Math.max(closedUntil, limit);
        }
        return closed;
    }

    /** The sensor's baseline as the next window will be scored against. */
    public synchronized Baseline.Snapshot baseline(String sensor) {
        return baselineSnapshot(sensor);
    }

    // called with the lock held: baselines change in window order
    private ClosedWindow close(long start, Buffer buffer) {
        long end = start + windowMillis;
        if (buffer.size == 0) {
            return new ClosedWindow(start, end, List.of(), 0, buffer.dropped);
        }
        Table readings = buffer.table();
        Table summary = readings.summarize(VALUE, count, mean, min, max, stdDev).by(SENSOR);

        // z-scores against each sensor's baseline before this window; no usable baseline: missing (NaN), never flagged
        Map<String, Baseline.Snapshot> before = new HashMap<>();
        StringColumn sensors = readings.stringColumn(SENSOR);
        DoubleColumn baselineMean = DoubleColumn.create("baselineMean", readings.rowCount());
        DoubleColumn baselineStd = DoubleColumn.create("baselineStd", readings.rowCount());
        for (int row = 0; row < readings.rowCount(); row++) {
            Baseline.Snapshot snapshot = before.computeIfAbsent(sensors.get(row), this::baselineSnapshot);
            if (Baseline.usable(snapshot, minBaseline)) {
                baselineMean.set(row, snapshot.mean());
                baselineStd.set(row, snapshot.stddev());
            }
        }
        DoubleColumn zScore = readings.doubleColumn(VALUE).subtract(baselineMean).divide(baselineStd).setName("zScore");
        readings.addColumns(zScore);
        Selection anomalous = zScore.abs().isGreaterThan(zScoreThreshold);
        Table anomalies = readings.where(anomalous);
        Table normal = readings.dropWhere(anomalous);

        Map<String, List<SensorWindow.Anomaly>> anomaliesBySensor = new HashMap<>();
        for (int row = 0; row < anomalies.rowCount(); row++) {
            anomaliesBySensor.computeIfAbsent(anomalies.stringColumn(SENSOR).get(row), s -> new ArrayList<>())
                    .add(new SensorWindow.Anomaly(anomalies.doubleColumn(VALUE).getDouble(row),
                            anomalies.doubleColumn("zScore").getDouble(row), anomalies.longColumn(TS).getLong(row)));
        }

        List<SensorWindow> result = new ArrayList<>(summary.rowCount());
        for (int row = 0; row < summary.rowCount(); row++) {
            String sensor = summary.stringColumn(SENSOR).get(row);
            Baseline.Snapshot snapshot = before.get(sensor);
            result.add(new SensorWindow(sensor, start, end,
                    Math.round(summary.numberColumn(name(count)).getDouble(row)),
                    summary.numberColumn(name(mean)).getDouble(row),
                    summary.numberColumn(name(min)).getDouble(row),
                    summary.numberColumn(name(max)).getDouble(row),
                    summary.numberColumn(name(stdDev)).getDouble(row),
                    anomaliesBySensor.getOrDefault(sensor, List.of()),
                    Baseline.usable(snapshot, minBaseline) ? snapshot : null));
        }
        result.sort(Comparator.comparing(SensorWindow::sensor));

        // the window's ordinary readings join the baselines for the windows after it
        if (normal.rowCount() > 0) {
            Table parts = normal.summarize(VALUE, count, mean, variance).by(SENSOR);
            for (int row = 0; row < parts.rowCount(); row++) {
                baselines.computeIfAbsent(parts.stringColumn(SENSOR).get(row), s -> new Baseline(baselineWindows))
                        .add(start, Math.round(parts.numberColumn(name(count)).getDouble(row)),
                                parts.numberColumn(name(mean)).getDouble(row),
                                parts.numberColumn(name(variance)).getDouble(row));
            }
        }
        // sensors silent for ten times as long as a baseline reaches back are forgotten: memory follows
        // the active sensors, and a sensor that reports less often than once a window keeps its baseline
        long forgetBefore = start - FORGET_AFTER_BASELINES * baselineWindows * windowMillis;
        baselines.values().removeIf(b -> b.lastWindowStart() < forgetBefore);
        return new ClosedWindow(start, end, result, buffer.size, buffer.dropped);
    }

    private Baseline.Snapshot baselineSnapshot(String sensor) {
        Baseline baseline = baselines.get(sensor);
        return baseline == null ? new Baseline.Snapshot(0, Double.NaN, Double.NaN) : baseline.snapshot();
    }

    /** The column Tablesaw's summarize names after a function: {@code "Mean [value]"}. */
    private static String name(AggregateFunction<?, ?> function) {
        return function.functionName() + " [" + VALUE + "]";
    }

    /** One open window's readings, in arrival order, as columns-to-be. */
    private static final class Buffer {
        private final List<String> sensors = new ArrayList<>();
        private double[] values = new double[64];
        private long[] timestamps = new long[64];
        private int size;
        private long dropped;

        void add(Reading reading) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
                timestamps = Arrays.copyOf(timestamps, size * 2);
            }
            sensors.add(reading.sensor());
            values[size] = reading.value();
            timestamps[size] = reading.epochMilli();
            size++;
        }

        Table table() {
            return Table.create("window",
                    StringColumn.create(SENSOR, sensors),
                    DoubleColumn.create(VALUE, Arrays.copyOf(values, size)),
                    LongColumn.create(TS, Arrays.copyOf(timestamps, size)));
        }
    }
}
