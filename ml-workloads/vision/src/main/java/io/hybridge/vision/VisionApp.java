package io.hybridge.vision;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.opencv.core.Mat;

import io.hybridge.vision.VisionSettings.SettingsException;

/**
 * The vision workload: reads frames from its source, runs the detection pipeline on each,
 * publishes one JSON message per frame with detections on {@code MQTT_TOPIC} and the
 * throughput on {@code MQTT_STATS_TOPIC} every {@code VISION_STATS_SECONDS} and at the end.
 *
 * <p>Exit status: 0 at the end of a file (or after VISION_MAX_FRAMES), 2 for bad settings,
 * 3 for a source that cannot be opened or a live source that stops, 4 when the broker cannot
 * be reached, 1 for anything else. SIGTERM stops after the current frame, with a last stats
 * message (the JVM then exits 143).
 */
public final class VisionApp {

    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_SETTINGS = 2;
    public static final int EXIT_SOURCE = 3;
    public static final int EXIT_BROKER = 4;

    private static final Duration STREAM_TIMEOUT = Duration.ofSeconds(10);
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final VisionSettings settings;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;

    public VisionApp(VisionSettings settings, PrintStream out, PrintStream err) {
        this.settings = settings;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        VisionSettings settings;
        try {
            settings = VisionSettings.fromEnvironment(System.getenv(), applicationHome());
        } catch (SettingsException e) {
            System.err.println("vision: " + e.getMessage());
            System.exit(EXIT_SETTINGS);
            return;
        }
        VisionApp app = new VisionApp(settings, System.out, System.err);
        Runtime.getRuntime().addShutdownHook(new Thread(app::stopAndWait, "vision-stop"));
        System.exit(app.run());
    }

    /** Runs until the source ends, VISION_MAX_FRAMES is reached or {@link #stopAndWait} is called. */
    public int run() {
        try {
            OpenCvNatives.load();
        } catch (UnsatisfiedLinkError e) {
            err.println("vision: cannot load OpenCV: " + e.getMessage());
            finished.countDown();
            return EXIT_FAILED;
        }
        out.println("vision: starting, " + settings.summary());
        try (FrameSource source = FrameSources.open(settings.source(), settings.loop(), STREAM_TIMEOUT);
                DetectionPipeline pipeline = pipeline();
                DetectionSink sink = connect(source.description())) {
            return loop(source, pipeline, sink);
        } catch (SettingsException e) {
            err.println("vision: " + e.getMessage());
            return EXIT_SETTINGS;
        } catch (SourceException e) {
            err.println("vision: " + e.getMessage());
            return EXIT_SOURCE;
        } catch (MqttException e) {
            err.println("vision: cannot connect to the MQTT broker " + settings.mqttUri() + " as client "
                    + settings.mqttClientId() + (settings.mqttUsername().isEmpty() ? "" : " user " + settings.mqttUsername())
                    + ": " + e.getMessage() + " (reason " + e.getReasonCode() + "; MQTT_URI, MQTT_USERNAME, MQTT_PASSWORD)");
            return EXIT_BROKER;
        } catch (RuntimeException e) {
            err.println("vision: failed: " + e);
            e.printStackTrace(err);
            return EXIT_FAILED;
        } finally {
            finished.countDown();
        }
    }

    /** Asks the frame loop to stop and waits (bounded) for its last stats message. */
    public void stopAndWait() {
        stopRequested = true;
        try {
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private DetectionPipeline pipeline() {
        MotionDetector motion = settings.detect().contains(Detection.Kind.MOTION)
                ? new MotionDetector(settings.motionThreshold(), settings.motionMinArea(), settings.motionLearningRate())
                : null;
        FaceDetector faces = null;
        if (settings.detect().contains(Detection.Kind.FACE)) {
            try {
                faces = new FaceDetector(settings.cascade(), settings.faceScaleFactor(), settings.faceMinNeighbours(),
                        settings.faceMinSize());
            } catch (IllegalArgumentException e) {
                if (motion != null) {
                    motion.close();
                }
                throw new SettingsException("VISION_CASCADE: " + e.getMessage());
            }
        }
        return new DetectionPipeline(motion, faces, settings.maxWidth());
    }

    private DetectionSink connect(String source) throws MqttException {
        if (!settings.publishes()) {
            return DetectionSink.NONE;
        }
        DetectionSink sink = MqttPublisher.connect(settings, source, CONNECT_TIMEOUT_SECONDS);
        out.println("vision: connected to " + settings.mqttUri() + ", publishing on " + settings.mqttTopic());
        return sink;
    }

    private int loop(FrameSource source, DetectionPipeline pipeline, DetectionSink sink) {
        String name = source.description();
        Mat frame = new Mat();
        ThroughputStats stats = new ThroughputStats(System::nanoTime, ProcessCpu::seconds);
        long statsEvery = settings.statsInterval().toNanos();
        long nextStats = System.nanoTime() + statsEvery;
        double fileFps = source.framesPerSecond();
        long paceStart = System.nanoTime();
        long published = 0;
        long dropped = 0;
        long frameNumber = 0;
        int exit = EXIT_OK;
        try {
            while (!stopRequested && (settings.maxFrames() == 0 || frameNumber < settings.maxFrames())) {
                long started = System.nanoTime();
                if (!source.read(frame)) {
                    if (source.live()) {
                        err.println("vision: source " + name + " stopped delivering frames");
                        exit = EXIT_SOURCE;
                    }
                    break;
                }
                frameNumber++;
                Instant readAt = Instant.now();
                List<Detection> found = pipeline.process(frame);
                FrameDetections result = new FrameDetections(frameNumber, readAt, source.positionMillis(), frame.cols(),
                        frame.rows(), found);
                if (!found.isEmpty() || settings.publishEmptyFrames()) {
                    if (sink.detections(DetectionJson.frame(name, result))) {
                        published++;
                    } else {
                        dropped++;
                    }
                }
                long done = System.nanoTime();
                stats.frame(result, done - started);
                if (done >= nextStats) {
                    report(sink, name, stats.snapshot(published, dropped, false));
                    nextStats = done + statsEvery;
                }
                if (settings.realtime() && fileFps > 0) {
                    long due = paceStart + (long) (frameNumber * 1e9 / fileFps);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                }
            }
        } catch (SourceException e) {
            err.println("vision: " + e.getMessage());
            exit = EXIT_SOURCE;
        } finally {
            frame.release();
        }
        report(sink, name, stats.snapshot(published, dropped, true));
        return exit;
    }

    private void report(DetectionSink sink, String source, ThroughputStats.Snapshot snapshot) {
        String json = DetectionJson.stats(source, Instant.now(), snapshot);
        out.println(json);
        sink.stats(json);
    }

    /** {@code /app} in the image: the directory above the one holding this jar. */
    static Path applicationHome() {
        try {
            Path location = Path.of(VisionApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location) && location.getParent() != null && location.getParent().getParent() != null) {
                return location.getParent().getParent();
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }
}
