package io.hybridge.vision;

import java.time.Instant;
import java.util.List;

/**
 * What the pipeline found in one frame.
 *
 * @param frame        frame number, from 1, counted over the whole run (loops included)
 * @param timestamp    wall-clock time the frame was read
 * @param videoMillis  where the frame starts in a file source, in milliseconds; NaN for live sources
 */
public record FrameDetections(long frame, Instant timestamp, double videoMillis, int width, int height,
        List<Detection> detections) {

    public FrameDetections {
        detections = List.copyOf(detections);
    }

    public long count(Detection.Kind kind) {
        return detections.stream().filter(d -> d.kind() == kind).count();
    }
}
