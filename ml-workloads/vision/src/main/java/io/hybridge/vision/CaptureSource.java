package io.hybridge.vision;

import org.opencv.core.Mat;
import org.opencv.videoio.VideoCapture;
import org.opencv.videoio.Videoio;

/**
 * Frames through OpenCV's {@link VideoCapture}: a Motion-JPEG AVI file or an image sequence
 * (OpenCV's own readers — this OpenCV build has no FFmpeg or GStreamer), or a V4L2 camera.
 */
final class CaptureSource implements FrameSource {

    private final VideoCapture capture;
    private final String description;
    private final boolean live;
    private double frameMillis = Double.NaN;

    private CaptureSource(VideoCapture capture, String description, boolean live) {
        this.capture = capture;
        this.description = description;
        this.live = live;
    }

    static CaptureSource file(String path) {
        VideoCapture capture = new VideoCapture(path, Videoio.CAP_ANY);
        if (!capture.isOpened()) {
            capture.release();
            throw new SourceException("cannot decode video file " + path + ": this workload reads Motion-JPEG AVI files"
                    + " and image sequences (e.g. frames/%04d.jpg); convert others, e.g."
                    + " ffmpeg -i in.mp4 -c:v mjpeg -q:v 5 -an out.avi");
        }
        return new CaptureSource(capture, path, false);
    }

    static CaptureSource imageSequence(String pattern) {
        VideoCapture capture = new VideoCapture(pattern, Videoio.CAP_IMAGES);
        if (!capture.isOpened()) {
            capture.release();
            throw new SourceException("no images match the sequence " + pattern
                    + " (a printf pattern: frames/%04d.jpg reads frames/0000.jpg, frames/0001.jpg, ...)");
        }
        return new CaptureSource(capture, pattern, false);
    }

    static CaptureSource camera(String device) {
        VideoCapture capture = new VideoCapture(device, Videoio.CAP_V4L2);
        if (!capture.isOpened()) {
            capture.release();
            throw new SourceException("cannot open camera " + device + " (V4L2): not a capture device, busy, or no"
                    + " permission (the image runs as uid 10001: give the container the device and its group)");
        }
        return new CaptureSource(capture, device, true);
    }

    @Override
    public boolean read(Mat frame) {
        // after a read OpenCV reports the position of the next frame: take this one's before
        frameMillis = live ? Double.NaN : capture.get(Videoio.CAP_PROP_POS_MSEC);
        return capture.read(frame) && !frame.empty();
    }

    /** Where the frame read last starts in the file. */
    @Override
    public double positionMillis() {
        return frameMillis;
    }

    @Override
    public double framesPerSecond() {
        return live ? 0 : Math.max(0, capture.get(Videoio.CAP_PROP_FPS));
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        capture.release();
    }
}
