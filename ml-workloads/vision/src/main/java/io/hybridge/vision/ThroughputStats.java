package io.hybridge.vision;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Counts frames and detections and turns them into frames per second: over the last
 * reporting interval and over the whole run. The clock is injected so tests can drive it.
 */
public final class ThroughputStats {

    /** A report, as published on the stats topic. */
    public record Snapshot(long frames, double fps, double fpsOverall, double elapsedSeconds, double meanFrameMillis,
            Map<Detection.Kind, Long> detections, long framesWithDetections, long published, long dropped,
            boolean last) {
    }

    private final LongSupplier nanoClock;
    private final long startNanos;
    private long intervalStartNanos;
    private long intervalStartFrames;
    private long frames;
    private long framesWithDetections;
    private long processingNanos;
    private final EnumMap<Detection.Kind, Long> detections = new EnumMap<>(Detection.Kind.class);

    public ThroughputStats(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
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
        return new Snapshot(frames, fps, overall, elapsed, meanMillis, new EnumMap<>(detections), framesWithDetections,
                published, dropped, last);
    }
}
