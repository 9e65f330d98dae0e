package io.hybridge.vision;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Counts frames and detections and turns them into frames per second — over the last
 * reporting interval and over the whole run — and CPU time per frame. The clocks are
 * injected so tests can drive them.
 */
public final class ThroughputStats {

    /** A report, as published on the stats topic. */
    public record Snapshot(long frames, double fps, double fpsOverall, double elapsedSeconds, double meanFrameMillis,
            double cpuSeconds, Map<Detection.Kind, Long> detections, long framesWithDetections, long published,
            long dropped, boolean last) {

        /** Process CPU time per frame over the run, NaN when unknown. */
        public double cpuMillisPerFrame() {
            return frames > 0 ? cpuSeconds * 1000 / frames : Double.NaN;
        }
    }

    private final LongSupplier nanoClock;
    private final DoubleSupplier cpuClock;
    private final long startNanos;
    private final double startCpu;
    private long intervalStartNanos;
    private long intervalStartFrames;
    private long frames;
    private long framesWithDetections;
    private long processingNanos;
    private final EnumMap<Detection.Kind, Long> detections = new EnumMap<>(Detection.Kind.class);

    /**
     * @param nanoClock wall clock, nanoseconds
     * @param cpuClock  the process's CPU time in seconds (NaN if unknown)
     */
    public ThroughputStats(LongSupplier nanoClock, DoubleSupplier cpuClock) {
        this.nanoClock = nanoClock;
        this.cpuClock = cpuClock;
        this.startNanos = nanoClock.getAsLong();
        this.startCpu = cpuClock.getAsDouble();
        this.intervalStartNanos = startNanos;
        for (Detection.Kind kind : Detection.Kind.values()) {
            detections.put(kind, 0L);
        }
    }

    /** @param frameNanos time spent on this frame: read, detect and hand to the publisher */
    public void frame(FrameDetections result, long frameNanos) {
        frames++;
        processingNanos += frameNanos;
        if (!result.detections().isEmpty()) {
            framesWithDetections++;
        }
        for (Detection d : result.detections()) {
            detections.merge(d.kind(), 1L, Long::sum);
        }
    }

    public long frames() {
        return frames;
    }

    /** Ends the current interval: its frames per second, and the run's so far. */
    public Snapshot snapshot(long published, long dropped, boolean last) {
        long now = nanoClock.getAsLong();
        double interval = (now - intervalStartNanos) / 1e9;
        double elapsed = (now - startNanos) / 1e9;
        double fps = interval > 0 ? (frames - intervalStartFrames) / interval : 0;
        double overall = elapsed > 0 ? frames / elapsed : 0;
        intervalStartNanos = now;
        intervalStartFrames = frames;
        double meanMillis = frames > 0 ? processingNanos / 1e6 / frames : 0;
        return new Snapshot(frames, fps, overall, elapsed, meanMillis, cpuClock.getAsDouble() - startCpu,
                new EnumMap<>(detections), framesWithDetections, published, dropped, last);
    }
}
