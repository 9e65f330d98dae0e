package io.hybridge.vision;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.MatOfPoint;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Motion by background subtraction: the background is a running average of the (blurred,
 * grey) frames; pixels that differ from it by more than a threshold are "moving", grown
 * together by dilation, and each connected region of at least a minimum area is one motion
 * detection. A learning rate of 1 turns this into plain differencing with the previous frame;
 * smaller rates remember the scene longer (and let an object that stops fade into it).
 *
 * <p>Owns its native buffers: not thread-safe, {@link #close()} when done.
 */
public final class MotionDetector implements AutoCloseable {

    private final double threshold;
    private final double minArea;
    private final double learningRate;

    private final Mat background = new Mat();
    private final Mat background8u = new Mat();
    private final Mat difference = new Mat();
    private final Mat mask = new Mat();
    private final Mat kernel = Imgproc.getStructuringElement(Imgproc.MORPH_ELLIPSE, new Size(5, 5));

    /**
     * @param threshold    grey-level difference (1..255) from the background that counts as change
     * @param minArea      smallest box area (of the changed pixels grown together), in pixels of
     *                     the frames given to {@link #detect}
     * @param learningRate weight of each new frame in the background (0 &lt; rate &le; 1)
     */
    public MotionDetector(double threshold, double minArea, double learningRate) {
        if (threshold < 1 || threshold > 255) {
            throw new IllegalArgumentException("threshold " + threshold + " is not in 1..255");
        }
        if (!(learningRate > 0 && learningRate <= 1)) {
            throw new IllegalArgumentException("learning rate " + learningRate + " is not in (0, 1]");
        }
        this.threshold = threshold;
        this.minArea = minArea;
        this.learningRate = learningRate;
    }

    /**
     * @param grey a blurred 8-bit single-channel frame, the same size every call
     * @return the moving regions; none for the first frame, which only sets the background
     */
    public List<Detection> detect(Mat grey) {
        if (background.empty() || background.size().width != grey.size().width
                || background.size().height != grey.size().height) {
            grey.convertTo(background, CvType.CV_32F);
            return List.of();
        }
        background.convertTo(background8u, CvType.CV_8U);
        Core.absdiff(grey, background8u, difference);
        Imgproc.threshold(difference, mask, threshold, 255, Imgproc.THRESH_BINARY);
        Imgproc.accumulateWeighted(grey, background, learningRate);
        if (Core.countNonZero(mask) == 0) {
            return List.of();
        }
        Mat changed = mask.clone();
        Imgproc.dilate(mask, mask, kernel, new Point(-1, -1), 2);

        List<MatOfPoint> contours = new ArrayList<>();
        Mat hierarchy = new Mat();
        Imgproc.findContours(mask, contours, hierarchy, Imgproc.RETR_EXTERNAL, Imgproc.CHAIN_APPROX_SIMPLE);
        List<Detection> found = new ArrayList<>();
        for (MatOfPoint contour : contours) {
            Rect box = Imgproc.boundingRect(contour);
            contour.release();
            if (box.area() < minArea) {
                continue;
            }
            Mat inBox = changed.submat(box);
            double share = Core.countNonZero(inBox) / box.area();
            inBox.release();
            found.add(new Detection(Detection.Kind.MOTION, box.x, box.y, box.width, box.height, OptionalDouble.of(share)));
        }
        hierarchy.release();
        changed.release();
        return found;
    }

    @Override
    public void close() {
        background.release();
        background8u.release();
        difference.release();
        mask.release();
        kernel.release();
    }
}
