package io.hybridge.vision;

import java.util.ArrayList;
import java.util.List;

import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * One frame in, its detections out: scales frames down to a working width, converts to
 * grey once, and runs the motion and face detectors that are switched on. Boxes come back in
 * the coordinates of the frame as read.
 *
 * <p>Owns the detectors and the working buffers (reused from frame to frame): not
 * thread-safe, {@link #close()} when done.
 */
public final class DetectionPipeline implements AutoCloseable {

    private final MotionDetector motion;
    private final FaceDetector faces;
    private final int maxWidth;

    private final Mat scaled = new Mat();
    private final Mat grey = new Mat();
    private final Mat blurred = new Mat();
    private final Mat equalised = new Mat();

    /**
     * @param motion   motion detector, or null for none
     * @param faces    face detector, or null for none
     * @param maxWidth frames wider than this are scaled down to it before detection
     */
    public DetectionPipeline(MotionDetector motion, FaceDetector faces, int maxWidth) {
        if (maxWidth < 32) {
            throw new IllegalArgumentException("working width " + maxWidth + " is below 32 pixels");
        }
        this.motion = motion;
        this.faces = faces;
        this.maxWidth = maxWidth;
    }

    /** @param frame a BGR (3-channel) or grey 8-bit frame */
    public List<Detection> process(Mat frame) {
        double scale = frame.cols() > maxWidth ? (double) maxWidth / frame.cols() : 1.0;
        Mat working = frame;
        if (scale < 1.0) {
            Imgproc.resize(frame, scaled, new Size(Math.round(frame.cols() * scale), Math.round(frame.rows() * scale)), 0, 0,
                    Imgproc.INTER_AREA);
            working = scaled;
        }
        if (working.channels() == 1) {
            working.copyTo(grey);
        } else {
            Imgproc.cvtColor(working, grey, working.channels() == 4 ? Imgproc.COLOR_BGRA2GRAY : Imgproc.COLOR_BGR2GRAY);
        }
        List<Detection> found = new ArrayList<>();
        if (motion != null) {
            Imgproc.GaussianBlur(grey, blurred, new Size(5, 5), 0);
            found.addAll(motion.detect(blurred));
        }
        if (faces != null) {
            Imgproc.equalizeHist(grey, equalised);
            found.addAll(faces.detect(equalised));
        }
        return scale < 1.0 ? rescale(found, 1.0 / scale, frame.cols(), frame.rows()) : found;
    }

    private static List<Detection> rescale(List<Detection> found, double factor, int cols, int rows) {
        List<Detection> original = new ArrayList<>(found.size());
        for (Detection d : found) {
            int x = (int) Math.floor(d.x() * factor);
            int y = (int) Math.floor(d.y() * factor);
            int w = Math.max(1, Math.min(cols - x, (int) Math.ceil(d.width() * factor)));
            int h = Math.max(1, Math.min(rows - y, (int) Math.ceil(d.height() * factor)));
            original.add(new Detection(d.kind(), x, y, w, h, d.score()));
        }
        return original;
    }

    @Override
    public void close() {
        if (motion != null) {
            motion.close();
        }
        if (faces != null) {
            faces.close();
        }
        scaled.release();
        grey.release();
        blurred.release();
        equalised.release();
    }
}
