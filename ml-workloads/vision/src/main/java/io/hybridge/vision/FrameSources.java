package io.hybridge.vision;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Opens the source VISION_SOURCE names. The kinds, by the form of the text:
 * <ul>
 * <li>{@code /dev/videoN}: a V4L2 camera;</li>
 * <li>{@code http://...}, {@code https://...}: an MJPEG stream over HTTP;</li>
 * <li>a path with a printf pattern ({@code frames/%04d.jpg}): an image sequence;</li>
 * <li>any other path: a video file (Motion-JPEG AVI).</li>
 * </ul>
 * Other URL schemes (rtsp, rtmp, udp) need FFmpeg or GStreamer, which the image does not
 * carry; they are refused with that reason rather than failing obscurely.
 */
public final class FrameSources {

    private static final Pattern CAMERA = Pattern.compile("/dev/video\\d+");
    private static final Pattern URL_SCHEME = Pattern.compile("^([a-zA-Z][a-zA-Z0-9+.-]*)://.*");
    private static final Pattern SEQUENCE = Pattern.compile("%0?\\d*d");

    private FrameSources() {
    }

    /**
     * @param loop start a file again from the beginning when it ends (ignored for live sources)
     * @throws SourceException naming the source and what is wrong with it
     */
    public static FrameSource open(String spec, boolean loop, Duration streamTimeout) {
        String source = spec == null ? "" : spec.trim();
        if (source.isEmpty()) {
            throw new SourceException("no source: set VISION_SOURCE to a video file (Motion-JPEG AVI), an image sequence"
                    + " (frames/%04d.jpg), a camera (/dev/video0) or an MJPEG stream URL (http://camera/stream)");
        }
        if (CAMERA.matcher(source).matches()) {
            if (!Files.exists(Path.of(source))) {
                throw new SourceException("camera " + source + " does not exist (a container needs it passed in as a device)");
            }
            return CaptureSource.camera(source);
        }
        var url = URL_SCHEME.matcher(source);
        if (url.matches()) {
            String scheme = url.group(1).toLowerCase(Locale.ROOT);
            if (scheme.equals("http") || scheme.equals("https")) {
                try {
                    return MjpegStreamSource.open(new URI(source), streamTimeout);
                } catch (URISyntaxException e) {
                    throw new SourceException("VISION_SOURCE is not a valid URL: " + e.getMessage(), e);
                }
            }
            if (scheme.equals("file")) {
                return open(URI.create(source).getPath(), loop, streamTimeout);
            }
            throw new SourceException("stream protocol " + scheme + ":// is not supported: the image's OpenCV has no FFmpeg"
                    + " or GStreamer; serve the camera as MJPEG over HTTP (multipart/x-mixed-replace) or record a file");
        }
        if (SEQUENCE.matcher(source).find()) {
            Path parent = Path.of(source).toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new SourceException("image sequence " + source + ": directory " + parent + " does not exist");
            }
            return loop ? new LoopingSource(() -> CaptureSource.imageSequence(source)) : CaptureSource.imageSequence(source);
        }
        Path file = Path.of(source);
        if (!Files.isRegularFile(file)) {
            throw new SourceException("video file " + source + " does not exist or is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new SourceException("video file " + source + " is not readable by this user");
        }
        return loop ? new LoopingSource(() -> CaptureSource.file(source)) : CaptureSource.file(source);
    }
}
