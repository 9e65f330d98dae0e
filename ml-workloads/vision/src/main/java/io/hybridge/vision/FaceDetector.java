package io.hybridge.vision;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import org.opencv.core.CvException;
import org.opencv.core.Mat;
import org.opencv.core.MatOfDouble;
import org.opencv.core.MatOfInt;
import org.opencv.core.MatOfRect;
import org.opencv.core.Rect;
import org.opencv.core.Size;
import org.opencv.objdetect.CascadeClassifier;

/**
 * Faces (or whatever the cascade was trained on) with an OpenCV Haar/LBP cascade classifier
 * read from a file that ships with the workload — nothing is downloaded at run time.
 *
 * <p>Not thread-safe; {@link #close()} when done.
 */
public final class FaceDetector implements AutoCloseable {

    private final CascadeClassifier classifier;
    private final double scaleFactor;
    private final int minNeighbours;
    private final Size minSize;

    private final MatOfRect boxes = new MatOfRect();
    private final MatOfInt rejectLevels = new MatOfInt();
    private final MatOfDouble levelWeights = new MatOfDouble();

    /**
     * @param cascade       the cascade XML
     * @param scaleFactor   step between the scales searched (&gt; 1; 1.1 is thorough, 1.3 fast)
     * @param minNeighbours overlapping hits needed to keep a detection (higher: fewer false ones)
     * @param minSize       smallest face side searched, in pixels of the frames given to {@link #detect}
     * @throws IllegalArgumentException if the cascade cannot be read
     */
    public FaceDetector(Path cascade, double scaleFactor, int minNeighbours, int minSize) {
        if (!Files.isReadable(cascade)) {
            throw new IllegalArgumentException("cascade " + cascade + " does not exist or is not readable");
        }
        if (!(scaleFactor > 1)) {
            throw new IllegalArgumentException("scale factor " + scaleFactor + " must be greater than 1");
        }
        try {
            this.classifier = new CascadeClassifier(cascade.toString());
        } catch (CvException e) {
            throw new IllegalArgumentException("cascade " + cascade + " is not an OpenCV cascade classifier: "
                    + e.getMessage().strip(), e);
        }
        if (classifier.empty()) {
            throw new IllegalArgumentException("cascade " + cascade + " is not an OpenCV cascade classifier");
        }
        this.scaleFactor = scaleFactor;
        this.minNeighbours = minNeighbours;
        this.minSize = new Size(minSize, minSize);
    }

    /** @param equalisedGrey an 8-bit single-channel frame, histogram-equalised */
    public List<Detection> detect(Mat equalisedGrey) {
        classifier.detectMultiScale3(equalisedGrey, boxes, rejectLevels, levelWeights, scaleFactor, minNeighbours, 0,
                minSize, new Size(), true);
        if (boxes.empty()) {
            return List.of();
        }
        Rect[] found = boxes.toArray();
        // with no detections OpenCV leaves the weights as a 0x1 matrix that toArray() refuses
        double[] weights = levelWeights.empty() ? new double[0] : levelWeights.toArray();
        List<Detection> faces = new ArrayList<>(found.length);
        for (int i = 0; i < found.length; i++) {
            OptionalDouble score = i < weights.length ? OptionalDouble.of(weights[i]) : OptionalDouble.empty();
            faces.add(new Detection(Detection.Kind.FACE, found[i].x, found[i].y, found[i].width, found[i].height, score));
        }
        return faces;
    }

    @Override
    public void close() {
        boxes.release();
        rejectLevels.release();
        levelWeights.release();
    }
}
