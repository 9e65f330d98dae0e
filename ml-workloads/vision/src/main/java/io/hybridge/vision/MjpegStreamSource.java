package io.hybridge.vision;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.imgcodecs.Imgcodecs;

/**
 * An MJPEG stream over HTTP ({@code multipart/x-mixed-replace}, one JPEG per part), as IP
 * cameras, mjpg-streamer, motion and ffmpeg's mpjpeg muxer serve it. The OpenCV build in
 * the image has no FFmpeg, so this is the network stream format it reads; user info in the
 * URL becomes HTTP basic authentication.
 */
final class MjpegStreamSource implements FrameSource {

    private static final int MAX_PART_BYTES = 16 * 1024 * 1024;

    private final String description;
    private final HttpURLConnection connection;
    private final InputStream in;
    private final String boundary;
    private boolean atPartHeaders;
    private boolean ended;

    private MjpegStreamSource(String description, HttpURLConnection connection, InputStream in, String boundary) {
        this.description = description;
        this.connection = connection;
        this.in = in;
        this.boundary = boundary;
    }

    static MjpegStreamSource open(URI uri, Duration timeout) {
        String description = withoutUserInfo(uri);
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout((int) timeout.toMillis());
            connection.setReadTimeout((int) timeout.toMillis());
            if (uri.getRawUserInfo() != null) {
                String credentials = java.net.URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
                connection.setRequestProperty("Authorization",
                        "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
            }
            int status = connection.getResponseCode();
            if (status != HttpURLConnection.HTTP_OK) {
                connection.disconnect();
                throw new SourceException("stream " + description + " answered HTTP " + status + " "
                        + connection.getResponseMessage() + ", not 200 with an MJPEG stream");
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new SourceException("cannot open stream " + description + ": " + e, e);
        }
        String contentType = String.valueOf(connection.getContentType());
        String boundary = boundaryOf(contentType);
        if (boundary == null) {
            connection.disconnect();
            throw new SourceException("stream " + description + " sends " + contentType
                    + ", not an MJPEG stream (multipart/x-mixed-replace;boundary=...)");
        }
        try {
            return new MjpegStreamSource(description, connection, new BufferedInputStream(connection.getInputStream()),
                    boundary);
        } catch (IOException e) {
            connection.disconnect();
            throw new SourceException("cannot read stream " + description + ": " + e, e);
        }
    }

    static String boundaryOf(String contentType) {
        String lower = contentType.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("multipart/x-mixed-replace")) {
            return null;
        }
        for (String parameter : contentType.split(";")) {
            String p = parameter.trim();
            if (p.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String value = p.substring("boundary=".length()).trim();
                if (value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")) {
                    value = value.substring(1, value.length() - 1);
                }
                // some servers repeat the two dashes of the delimiter line in the parameter
                return value.startsWith("--") ? value.substring(2) : value;
            }
        }
        return null;
    }

    private static String withoutUserInfo(URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        return uri.toString().replace(uri.getRawUserInfo() + "@", "");
    }

    @Override
    public boolean read(Mat frame) {
        if (ended) {
            return false;
        }
        try {
            byte[] jpeg = nextPart();
            if (jpeg == null) {
                ended = true;
                return false;
            }
            MatOfByte encoded = new MatOfByte(jpeg);
            Mat decoded = Imgcodecs.imdecode(encoded, Imgcodecs.IMREAD_COLOR);
            encoded.release();
            if (decoded.empty()) {
                throw new SourceException("stream " + description + " sent a part of " + jpeg.length
                        + " bytes that is not a JPEG image");
            }
            decoded.copyTo(frame);
            decoded.release();
            return true;
        } catch (IOException e) {
            ended = true;
            throw new SourceException("stream " + description + " failed: " + e, e);
        }
    }

    /** The body of the next part, or null at the end of the stream. */
    private byte[] nextPart() throws IOException {
        if (!atPartHeaders) {
            String line;
            do {
                line = readLine();
                if (line == null) {
                    return null;
                }
            } while (!isDelimiter(line));
            if (line.trim().endsWith("--" + boundary + "--")) {
                return null;
            }
        }
        int contentLength = -1;
        String header;
        while ((header = readLine()) != null && !header.isEmpty()) {
            int colon = header.indexOf(':');
            if (colon > 0 && header.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
                contentLength = Integer.parseInt(header.substring(colon + 1).trim());
            }
        }
        if (header == null) {
            return null;
        }
        if (contentLength >= 0) {
            if (contentLength > MAX_PART_BYTES) {
                throw new IOException("part of " + contentLength + " bytes is over the limit of " + MAX_PART_BYTES);
            }
            byte[] body = in.readNBytes(contentLength);
            atPartHeaders = false;
            return body.length == contentLength ? body : null;
        }
        return readUntilDelimiter();
    }

    private boolean isDelimiter(String line) {
        String trimmed = line.trim();
        return trimmed.equals("--" + boundary) || trimmed.equals("--" + boundary + "--");
    }

    /** A part without Content-Length ends where the next delimiter line starts. */
    private byte[] readUntilDelimiter() throws IOException {
        byte[] delimiter = ("\n--" + boundary).getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            if (b == delimiter[matched]) {
                matched++;
                if (matched == delimiter.length) {
                    String rest = readLine();
                    atPartHeaders = rest != null && !rest.startsWith("--");
                    byte[] bytes = body.toByteArray();
                    int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                    return java.util.Arrays.copyOf(bytes, end);
                }
                continue;
            }
            if (matched > 0) {
                body.write(delimiter, 0, matched);
                matched = b == delimiter[0] ? 1 : 0;
                if (matched == 1) {
                    continue;
                }
            }
            body.write(b);
            if (body.size() > MAX_PART_BYTES) {
                throw new IOException("part without Content-Length is over the limit of " + MAX_PART_BYTES + " bytes");
            }
        }
        return null;
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            if (b == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() > 8192) {
                throw new IOException("header line longer than 8192 bytes");
            }
            line.append((char) b);
        }
        return line.length() == 0 ? null : line.toString();
    }

    @Override
    public double positionMillis() {
        return Double.NaN;
    }

    @Override
    public double framesPerSecond() {
        return 0;
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a stream we are done with; nothing to tell
        }
        connection.disconnect();
    }
}
