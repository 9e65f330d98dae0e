package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.imgproc.Imgproc;

class MotionDetectorTest {

    private final MotionDetector detector = new MotionDetector(25, 100, 0.2);

    @BeforeAll
    static void natives() {
        OpenCvNatives.load();
    }

    @AfterEach
    void close() {
        detector.close();
    }

    private static Mat scene(Rect square) {
        Mat frame = new Mat(120, 160, CvType.CV_8UC1, new Scalar(100));
        if (square != null) {
            Imgproc.rectangle(frame, square.tl(), new Point(square.x + square.width - 1, square.y + square.height - 1),
                    new Scalar(220), -1);
        }
        return frame;
    }

    @Test
    void firstFrameOnlySetsTheBackground() {
        assertThat(detector.detect(scene(new Rect(10, 10, 20, 20)))).isEmpty();
    }

    @Test
    void stillSceneHasNoMotion() {
        Rect square = new Rect(30, 30, 20, 20);
        for (int i = 0; i < 10; i++) {
            assertThat(detector.detect(scene(square))).as("frame %d", i).isEmpty();
        }
    }

    @Test
    void smallLightingChangeIsNotMotion() {
        detector.detect(scene(null));
        Mat brighter = scene(null);
        brighter.setTo(new Scalar(110));
        assertThat(detector.detect(brighter)).isEmpty();
    }

    @Test
    void movedSquareIsOneMotionBoxCoveringWhereItWentTo() {
        detector.detect(scene(new Rect(20, 40, 24, 24)));
        Rect moved = new Rect(60, 40, 24, 24);

        List<Detection> found = detector.detect(scene(moved));

        assertThat(found).isNotEmpty().allSatisfy(d -> assertThat(d.kind()).isEqualTo(Detection.Kind.MOTION));
        assertThat(found).anySatisfy(d -> {
            assertThat(d.x()).isLessThanOrEqualTo(moved.x);
            assertThat(d.x() + d.width()).isGreaterThanOrEqualTo(moved.x + moved.width);
            assertThat(d.y()).isLessThanOrEqualTo(moved.y);
            assertThat(d.y() + d.height()).isGreaterThanOrEqualTo(moved.y + moved.height);
            assertThat(d.score().getAsDouble()).isBetween(0.05, 1.0);
        });
    }

    @Test
    void changeSmallerThanTheMinimumAreaIsIgnored() {
        try (MotionDetector coarse = new MotionDetector(25, 200, 0.2)) {
            coarse.detect(scene(null));
            // 3x3 changed pixels grow to about 11x11 = 121 < 200
            assertThat(coarse.detect(scene(new Rect(50, 50, 3, 3)))).isEmpty();
            assertThat(coarse.detect(scene(new Rect(50, 50, 12, 12)))).hasSize(1);
        }
    }

    @Test
    void aSceneChangeOfSizeStartsOver() {
        detector.detect(scene(null));
        assertThat(detector.detect(new Mat(60, 80, CvType.CV_8UC1, new Scalar(30)))).isEmpty();
    }

    @Test
    void refusesSettingsOutsideTheirRange() {
        assertThatThrownBy(() -> new MotionDetector(0, 100, 0.5)).hasMessageContaining("threshold 0.0");
        assertThatThrownBy(() -> new MotionDetector(25, 100, 0)).hasMessageContaining("learning rate 0.0");
        assertThatThrownBy(() -> new MotionDetector(25, 100, 1.5)).hasMessageContaining("learning rate 1.5");
    }
}
