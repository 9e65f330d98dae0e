package io.hybridge.vision;

import org.opencv.core.Mat;

/** Where frames come from: a video file, an image sequence, a camera or a network stream. */
public interface FrameSource extends AutoCloseable {

    /**
     * Reads the next frame into {@code frame}.
     *
     * @return false at the end of a file, or when a camera or stream stops delivering
     * @throws SourceException when the source fails in a way worth reporting (a stream that
     *                         sends something that is not a JPEG, say)
     */
    boolean read(Mat frame);

    /** Where the frame read last starts in a file, in milliseconds; NaN for live sources. */
    double positionMillis();

    /** Nominal frame rate of a file, 0 when unknown or live. */
    double framesPerSecond();

    /** A camera or stream: it has no end of its own, so its end is an error. */
    boolean live();

    /** What the source is, for messages (a URL's user info removed). */
    String description();

    @Override
    void close();
}
