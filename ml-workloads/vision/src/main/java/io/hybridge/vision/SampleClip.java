package io.hybridge.vision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgcodecs.Imgcodecs;
import org.opencv.imgproc.Imgproc;
import org.opencv.videoio.VideoWriter;
import org.opencv.videoio.Videoio;

/**
 * Writes the test clip (Motion-JPEG AVI, 320x240, 12 frames/s, 8.3 s, under 1 MB) that the
 * tests, the image and the throughput benchmark use, and knows where everything is in it:
 * <ul>
 * <li>frames 0-14: a still scene — a room and a portrait (a real face) on the left;</li>
 * <li>frames 15-84: the portrait slides right, about 2.9 pixels per frame;</li>
 * <li>frames 50-99: a ball bounces around the room;</li>
 * <li>frames 85-99: the portrait rests on the right.</li>
 * </ul>
 * A flicker of a few grey levels keeps the still frames from being byte-identical. Frame indices here are
 * 0-based; the workload numbers frames from 1.
 *
 * <pre>java io.hybridge.vision.SampleClip &lt;out.avi&gt; &lt;portrait.jpg&gt;</pre>
 */
public final class SampleClip {

    public static final int WIDTH = 320;
    public static final int HEIGHT = 240;
    public static final double FPS = 12;
    public static final int FRAMES = 100;

    public static final int PORTRAIT_MOVES_FROM = 15;
    public static final int PORTRAIT_MOVES_UNTIL = 85;
    public static final int BALL_FROM = 50;
    public static final int BALL_RADIUS = 10;

    private static final int PORTRAIT_WIDTH = 102;
    private static final int PORTRAIT_HEIGHT = 114;
    private static final int PORTRAIT_Y = 70;
    private static final int PORTRAIT_START_X = 16;
    private static final double PORTRAIT_STEP = 200.0 / 70;
    private static final int[] FLICKER = { 0, 3, 1, 4, 2, 0, 3, 5, 1, 2 };

    private SampleClip() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: SampleClip <out.avi> <portrait image>");
            System.exit(2);
        }
        OpenCvNatives.load();
        Path out = Path.of(args[0]).toAbsolutePath();
        write(out, Path.of(args[1]));
        System.out.println("[sample-clip] " + out + ": " + FRAMES + " frames, " + Files.size(out) + " bytes");
    }

    /** Where the portrait (and the face in it) is in frame {@code index}. */
    public static Rect portraitBox(int index) {
        int steps = Math.max(0, Math.min(index, PORTRAIT_MOVES_UNTIL - 1) - (PORTRAIT_MOVES_FROM - 1));
        int x = PORTRAIT_START_X + (int) Math.round(steps * PORTRAIT_STEP);
        return new Rect(x, PORTRAIT_Y, PORTRAIT_WIDTH, PORTRAIT_HEIGHT);
    }

    /** True if the portrait is at a different place than in the frame before. */
    public static boolean portraitMoves(int index) {
        return index >= PORTRAIT_MOVES_FROM && index < PORTRAIT_MOVES_UNTIL;
    }

    /** The ball's centre in frame {@code index}, or null before it appears. */
    public static Point ballCentre(int index) {
        if (index < BALL_FROM) {
            return null;
        }
        int t = index - BALL_FROM;
        return new Point(bounce(40 + 5 * t, BALL_RADIUS, WIDTH - BALL_RADIUS),
                bounce(30 + 4 * t, BALL_RADIUS, HEIGHT - BALL_RADIUS));
    }

    /** Anything in frame {@code index} moved since the frame before. */
    public static boolean somethingMoves(int index) {
        return portraitMoves(index) || index > BALL_FROM;
    }

    private static int bounce(int position, int low, int high) {
        int span = high - low;
        int p = Math.floorMod(position - low, 2 * span);
        return low + (p <= span ? p : 2 * span - p);
    }

    static void write(Path out, Path portraitImage) throws IOException {
        Mat portrait = Imgcodecs.imread(portraitImage.toString(), Imgcodecs.IMREAD_COLOR);
        if (portrait.empty()) {
            throw new IOException("cannot read the portrait " + portraitImage);
        }
        if (portrait.cols() != PORTRAIT_WIDTH || portrait.rows() != PORTRAIT_HEIGHT) {
            Imgproc.resize(portrait, portrait, new Size(PORTRAIT_WIDTH, PORTRAIT_HEIGHT), 0, 0, Imgproc.INTER_AREA);
        }
        Files.createDirectories(out.getParent());
        Path partial = out.resolveSibling(out.getFileName() + ".partial.avi");
        VideoWriter writer = new VideoWriter(partial.toString(), Videoio.CAP_OPENCV_MJPEG,
                VideoWriter.fourcc('M', 'J', 'P', 'G'), FPS, new Size(WIDTH, HEIGHT), true);
        if (!writer.isOpened()) {
            throw new IOException("OpenCV cannot write Motion-JPEG AVI to " + partial);
        }
        writer.set(Videoio.VIDEOWRITER_PROP_QUALITY, 50);
        Mat room = room();
        Mat frame = new Mat();
        for (int i = 0; i < FRAMES; i++) {
            room.copyTo(frame);
            Mat target = frame.submat(portraitBox(i));
            portrait.copyTo(target);
            target.release();
            Point ball = ballCentre(i);
            if (ball != null) {
                Imgproc.circle(frame, ball, BALL_RADIUS, new Scalar(40, 200, 250), -1, Imgproc.LINE_AA);
            }
            // lighting flicker of a few grey levels: still frames are never byte-identical
            Core.add(frame, Scalar.all(FLICKER[i % FLICKER.length]), frame);
            writer.write(frame);
        }
        writer.release();
        for (Mat m : new Mat[] { portrait, room, frame }) {
            m.release();
        }
        Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A plain room: graded wall, a window, a floor. */
    private static Mat room() {
        Mat room = new Mat(HEIGHT, WIDTH, CvType.CV_8UC3);
        for (int y = 0; y < HEIGHT; y++) {
            double shade = 120 + 50.0 * y / HEIGHT;
            Imgproc.line(room, new Point(0, y), new Point(WIDTH - 1, y), new Scalar(shade, shade + 5, shade + 10));
        }
        Imgproc.rectangle(room, new Point(150, 15), new Point(230, 60), new Scalar(210, 190, 160), -1);
        Imgproc.rectangle(room, new Point(150, 15), new Point(230, 60), new Scalar(70, 60, 50), 2);
        Imgproc.rectangle(room, new Point(0, 200), new Point(WIDTH - 1, HEIGHT - 1), new Scalar(60, 80, 100), -1);
        return room;
    }
}
