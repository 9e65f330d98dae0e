package io.hybridge.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

import com.sun.net.httpserver.HttpServer;

class FrameSourcesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final List<byte[]> JPEGS = new ArrayList<>();

    private HttpServer server;

    @BeforeAll
    static void natives() {
        OpenCvNatives.load();
        try (FrameSource clip = FrameSources.open(Samples.clip().toString(), false, TIMEOUT)) {
            Mat frame = new Mat();
            for (int i = 0; i < 5 && clip.read(frame); i++) {
                MatOfByte jpeg = new MatOfByte();
                Imgcodecs.imencode(".jpg", frame, jpeg);
                JPEGS.add(jpeg.toArray());
            }
        }
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static int count(FrameSource source, int atMost) {
        Mat frame = new Mat();
        int n = 0;
        while (n < atMost && source.read(frame)) {
            n++;
        }
        return n;
    }

    @Test
    void readsEveryFrameOfTheClipWithItsPosition() {
        try (FrameSource clip = FrameSources.open(Samples.clip().toString(), false, TIMEOUT)) {
            assertThat(clip.live()).isFalse();
            assertThat(clip.framesPerSecond()).isEqualTo(SampleClip.FPS);
            Mat frame = new Mat();
            assertThat(clip.read(frame)).isTrue();
            assertThat(clip.positionMillis()).isZero();
            assertThat(clip.read(frame)).isTrue();
            assertThat(clip.positionMillis()).isCloseTo(1000 / SampleClip.FPS, within(0.1));
            assertThat(2 + count(clip, 1000)).isEqualTo(SampleClip.FRAMES);
        }
    }

    @Test
    void aLoopedFileStartsAgain() {
        try (FrameSource clip = FrameSources.open(Samples.clip().toString(), true, TIMEOUT)) {
            assertThat(count(clip, 2 * SampleClip.FRAMES + 10)).isEqualTo(2 * SampleClip.FRAMES + 10);
        }
    }

    @Test
    void readsAnImageSequence(@TempDir Path dir) throws IOException {
        for (int i = 0; i < JPEGS.size(); i++) {
            Files.write(dir.resolve(String.format("frame-%03d.jpg", i)), JPEGS.get(i));
        }
        try (FrameSource frames = FrameSources.open(dir.resolve("frame-%03d.jpg").toString(), false, TIMEOUT)) {
            assertThat(count(frames, 100)).isEqualTo(JPEGS.size());
        }
    }

    @Test
    void refusesAMissingFileByName(@TempDir Path dir) {
        Path missing = dir.resolve("missing.avi");
        assertThatThrownBy(() -> FrameSources.open(missing.toString(), false, TIMEOUT))
                .isInstanceOf(SourceException.class).hasMessage("video file " + missing + " does not exist or is not a file");
    }

    @Test
    void refusesAFileThatIsNoVideoAndSaysWhatIs(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("notes.avi"), "not a video");
        assertThatThrownBy(() -> FrameSources.open(text.toString(), false, TIMEOUT))
                .isInstanceOf(SourceException.class).hasMessageContaining("cannot decode video file " + text)
                .hasMessageContaining("Motion-JPEG AVI");
    }

    @Test
    void refusesAMissingCamera() {
        assertThatThrownBy(() -> FrameSources.open("/dev/video97", false, TIMEOUT))
                .isInstanceOf(SourceException.class).hasMessageContaining("camera /dev/video97 does not exist");
    }

    @Test
    void refusesStreamProtocolsThisBuildCannotRead() {
        assertThatThrownBy(() -> FrameSources.open("rtsp://camera.local/stream", false, TIMEOUT))
                .isInstanceOf(SourceException.class).hasMessageContaining("rtsp:// is not supported")
                .hasMessageContaining("MJPEG over HTTP");
    }

    @Test
    void refusesNoSourceSayingWhatWouldDo() {
        assertThatThrownBy(() -> FrameSources.open(" ", false, TIMEOUT))
                .isInstanceOf(SourceException.class).hasMessageStartingWith("no source: set VISION_SOURCE");
    }

    private String serve(String contentType, boolean contentLength, boolean closingDelimiter) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/stream", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (byte[] jpeg : JPEGS) {
                    String headers = "--frame\r\nContent-Type: image/jpeg\r\n"
                            + (contentLength ? "Content-Length: " + jpeg.length + "\r\n" : "") + "\r\n";
                    out.write(headers.getBytes(StandardCharsets.US_ASCII));
                    out.write(jpeg);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                if (closingDelimiter) {
                    out.write("--frame--\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        });
        server.createContext("/still", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "image/jpeg");
            exchange.sendResponseHeaders(200, JPEGS.get(0).length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(JPEGS.get(0));
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void readsAnMjpegStreamWithContentLengths() throws IOException {
        String base = serve("multipart/x-mixed-replace; boundary=frame", true, false);
        try (FrameSource stream = FrameSources.open(base + "/stream", false, TIMEOUT)) {
            assertThat(stream.live()).isTrue();
            assertThat(count(stream, 100)).isEqualTo(JPEGS.size());
        }
    }

    @Test
    void readsAnMjpegStreamWithoutContentLengths() throws IOException {
        String base = serve("multipart/x-mixed-replace;boundary=\"--frame\"", false, true);
        try (FrameSource stream = FrameSources.open(base + "/stream", false, TIMEOUT)) {
            Mat frame = new Mat();
            for (int i = 0; i < JPEGS.size(); i++) {
                assertThat(stream.read(frame)).as("part %d", i).isTrue();
                assertThat(frame.cols()).isEqualTo(SampleClip.WIDTH);
            }
            assertThat(stream.read(frame)).isFalse();
        }
    }

    @Test
    void refusesAUrlThatIsNoStreamAndKeepsPasswordsOutOfMessages() throws IOException {
        String base = serve("multipart/x-mixed-replace; boundary=frame", true, false);
        String withUser = base.replace("http://", "http://cam:secret@");
        assertThatThrownBy(() -> FrameSources.open(withUser + "/still", false, TIMEOUT))
                .isInstanceOf(SourceException.class).hasMessageContaining("sends image/jpeg, not an MJPEG stream")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> FrameSources.open(withUser + "/nothing-here", false, TIMEOUT))
                .isInstanceOf(SourceException.class).hasMessageContaining("answered HTTP 404")
                .hasMessageNotContaining("secret");
    }

    @Test
    void findsTheBoundaryInTheUsualSpellings() {
        assertThat(MjpegStreamSource.boundaryOf("multipart/x-mixed-replace;boundary=frame")).isEqualTo("frame");
        assertThat(MjpegStreamSource.boundaryOf("multipart/x-mixed-replace; boundary=--myboundary")).isEqualTo("myboundary");
        assertThat(MjpegStreamSource.boundaryOf("Multipart/X-Mixed-Replace; Boundary=\"b1\"")).isEqualTo("b1");
        assertThat(MjpegStreamSource.boundaryOf("image/jpeg")).isNull();
    }
}
