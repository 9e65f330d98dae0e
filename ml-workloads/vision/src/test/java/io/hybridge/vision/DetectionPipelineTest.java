package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;

/** The whole pipeline on the generated clip, checked against where SampleClip put things. */
class DetectionPipelineTest {

    /** The clip at full size, run once for the tests that only look at it. */
    private static List<List<Detection>> fullSize;

    @BeforeAll
    static void natives() {
        OpenCvNatives.load();
        fullSize = runOnClip(640);
    }

    private static List<List<Detection>> runOnClip(int maxWidth) {
        List<List<Detection>> perFrame = new ArrayList<>();
        try (FrameSource source = FrameSources.open(Samples.clip().toString(), false, Duration.ofSeconds(5));
                DetectionPipeline pipeline = new DetectionPipeline(new MotionDetector(25, 150, 0.2),
                        new FaceDetector(Samples.cascade(), 1.1, 3, 24), maxWidth)) {
            Mat frame = new Mat();
            while (source.read(frame)) {
                assertThat(frame.cols()).isEqualTo(SampleClip.WIDTH);
                perFrame.add(pipeline.process(frame));
            }
            frame.release();
        }
        assertThat(perFrame).hasSize(SampleClip.FRAMES);
        return perFrame;
    }

    private static List<Detection> of(List<Detection> found, Detection.Kind kind) {
        return found.stream().filter(d -> d.kind() == kind).toList();
    }

    private static boolean overlaps(Detection d, Rect r) {
        return d.x() < r.x + r.width && r.x < d.x() + d.width() && d.y() < r.y + r.height && r.y < d.y() + d.height();
    }

    private static boolean near(Detection d, Point ball) {
        Rect around = new Rect((int) ball.x - SampleClip.BALL_RADIUS, (int) ball.y - SampleClip.BALL_RADIUS,
                2 * SampleClip.BALL_RADIUS, 2 * SampleClip.BALL_RADIUS);
        return overlaps(d, around);
    }

    private static boolean inside(Detection d, Rect r) {
        return r.contains(new Point(d.centreX(), d.centreY()));
    }

    @Test
    void stillFramesHaveNoMotion() {
        List<List<Detection>> frames = fullSize;
        for (int i = 0; i < SampleClip.PORTRAIT_MOVES_FROM; i++) {
            assertThat(of(frames.get(i), Detection.Kind.MOTION)).as("still frame %d", i).isEmpty();
        }
    }

    @Test
    void everyMovementIsSeenWhereItHappens() {
        List<List<Detection>> frames = fullSize;
        int seen = 0;
        int moving = 0;
        for (int i = 1; i < SampleClip.FRAMES; i++) {
            List<Detection> motion = of(frames.get(i), Detection.Kind.MOTION);
            if (SampleClip.portraitMoves(i)) {
                moving++;
                Rect portrait = SampleClip.portraitBox(i);
                if (motion.stream().anyMatch(d -> overlaps(d, portrait))) {
                    seen++;
                }
            }
            Point ball = SampleClip.ballCentre(i);
            if (ball != null && i > SampleClip.BALL_FROM) {
                int index = i;
                assertThat(motion).as("the ball in frame %d", index).anyMatch(d -> near(d, ball));
            }
            // nothing is reported where nothing moved (the background forgets the portrait's old place slowly)
            for (Detection d : motion) {
                Rect was = SampleClip.portraitBox(Math.max(0, i - 8));
                Rect is = SampleClip.portraitBox(i);
                Rect swept = new Rect(Math.min(was.x, is.x), is.y, Math.max(was.x, is.x) + is.width - Math.min(was.x, is.x),
                        is.height);
                assertThat(overlaps(d, swept) || (ball != null && near(d, ball)) || (ball != null
                        && near(d, SampleClip.ballCentre(Math.max(SampleClip.BALL_FROM, i - 8)))))
                        .as("motion %s in frame %d is where something moved", d, i).isTrue();
            }
        }
        assertThat(seen).as("frames with the moving portrait seen").isEqualTo(moving);
    }

    @Test
    void findsTheFaceInEveryFrameAndNothingElse() {
        List<List<Detection>> frames = fullSize;
        int withFace = 0;
        for (int i = 0; i < SampleClip.FRAMES; i++) {
            List<Detection> faces = of(frames.get(i), Detection.Kind.FACE);
            Rect portrait = SampleClip.portraitBox(i);
            int index = i;
            assertThat(faces).as("faces in frame %d", index).allMatch(face -> inside(face, portrait));
            if (!faces.isEmpty()) {
                withFace++;
            }
        }
        assertThat(withFace).as("frames with the face found").isGreaterThanOrEqualTo(SampleClip.FRAMES * 95 / 100);
    }

    @Test
    void boxesFromScaledDownFramesComeBackInFrameCoordinates() {
        List<List<Detection>> frames = runOnClip(240);
        int withFace = 0;
        for (int i = 0; i < SampleClip.FRAMES; i++) {
            for (Detection d : frames.get(i)) {
                assertThat(d.x() + d.width()).isLessThanOrEqualTo(SampleClip.WIDTH);
                assertThat(d.y() + d.height()).isLessThanOrEqualTo(SampleClip.HEIGHT);
            }
            Rect portrait = SampleClip.portraitBox(i);
            if (of(frames.get(i), Detection.Kind.FACE).stream().anyMatch(face -> inside(face, portrait))) {
                withFace++;
            }
        }
        assertThat(withFace).isGreaterThanOrEqualTo(SampleClip.FRAMES * 9 / 10);
    }
}
