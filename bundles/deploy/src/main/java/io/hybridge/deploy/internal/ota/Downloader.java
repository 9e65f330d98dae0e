package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches a unit over HTTP(S) into a partial file, hashing while it streams (the file is never
 * read twice on the normal path). Built for throughput close to a plain fetch: 1 MiB reads, one
 * write per read, no fsync until the end (a {@code kill -9} keeps what the kernel has; a power
 * cut's torn tail fails the hash check and the next attempt starts over). A partial file from
 * an earlier attempt is continued with a {@code Range} request; the server's 200 instead of 206
 * starts over.
 */
final class Downloader {

    /** What the downloader reports as it goes. */
    interface Progress {
        /** Called when another block of {@code blockSize} bytes has arrived, and at the end. */
        void block(long received, long total, int index);
    }

    /** The outcome: the two digests of the complete file and its size. */
    record Result(byte[] sha256, byte[] expected, long size) {
    }

    private static final int BUFFER = 1 << 20;
    /** Checks stalled transfers and cancellations while a read blocks. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "hybridge-ota-download-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final HttpClient http;
    private final long maxBytes;

    Downloader(HttpClient http, long maxBytes) {
        this.http = http;
        this.maxBytes = maxBytes;
    }

    static HttpClient newClient() {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
    }

    /**
     * Downloads {@code uri} into {@code part}, continuing a partial file when {@code resume}.
     *
     * @param expected  the hash to compute besides SHA-256, or {@code null}
     * @param cancelled checked after every read
     */
    Result fetch(URI uri, Path part, boolean resume, UnitHash expected, long blockSize, long blockDelayMillis,
            Duration timeout, AtomicBoolean cancelled, Progress progress) throws DeployException, InterruptedException {
        try {
            Files.createDirectories(part.getParent());
            long have = resume && Files.isRegularFile(part) ? Files.size(part) : 0;
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            if (have > 0) {
                request.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            // a read on the body has no timeout of its own: the watchdog closes the body when no byte
            // came for the timeout or the job was cancelled, which ends the blocked read
            AtomicLong lastByte = new AtomicLong(System.nanoTime());
            AtomicBoolean stalled = new AtomicBoolean();
            InputStream body = response.body();
            ScheduledFuture<?> watchdog = WATCHDOG.scheduleWithFixedDelay(() -> {
                if (cancelled.get() || System.nanoTime() - lastByte.get() > timeout.toNanos()) {
                    stalled.set(!cancelled.get());
                    try {
                        body.close();
                    } catch (IOException e) {
                        // closing is all we can do
                    }
                }
            }, 200, 200, TimeUnit.MILLISECONDS);
            try (body) {
                int status = response.statusCode();
                long offset;
                long total;
                if (status == 206 && have > 0) {
                    Matcher range = CONTENT_RANGE.matcher(response.headers().firstValue("Content-Range").orElse(""));
                    if (!range.matches() || Long.parseLong(range.group(1)) != have) {
                        throw new DeployException("dp.uri " + uri + " answered a Range request for bytes " + have
                                + "- with Content-Range '" + response.headers().firstValue("Content-Range").orElse("")
                                + "'; it must start at " + have);
                    }
                    offset = have;
                    total = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
                } else if (status == 416 && have > 0) {
                    // the partial file is already whole: verify it as it is
                    body.transferTo(java.io.OutputStream.nullOutputStream());
                    return finish(part, expected, have, progress, blockSize);
                } else if (status == 200) {
                    offset = 0;
                    total = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                } else {
                    throw new DeployException("dp.uri " + uri + " answered HTTP " + status + "; it must answer 200 with the unit");
                }
                if (total > maxBytes) {
                    throw new DeployException("dp.uri " + uri + " is " + total + " bytes; this gateway takes at most "
                            + maxBytes + " (maxDownloadMiB of " + DeploymentAgent.PID + ")");
                }
                MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
                MessageDigest other = expected == null || expected.isSha256() ? null : expected.newDigest();
                try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        offset == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
                    if (offset > 0) {
                        hashPrefix(part, offset, sha256, other);
                    }
                    long received = offset;
                    long step = blockSize > 0 ? blockSize : Math.max(BUFFER, total > 0 ? total / 20 : BUFFER);
                    long nextBlock = (received / step + 1) * step;
                    int index = (int) (received / step);
                    byte[] buffer = new byte[BUFFER];
                    for (int read; (read = readOrExplain(body, buffer, cancelled, stalled, timeout, uri, received)) >= 0;) {
                        lastByte.set(System.nanoTime());
                        if (cancelled.get()) {
                            throw new DeployException("cancelled by DEL/download");
                        }
                        if (read == 0) {
                            continue;
                        }
                        ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
                        while (chunk.hasRemaining()) {
                            out.write(chunk);
                        }
                        sha256.update(buffer, 0, read);
                        if (other != null) {
                            other.update(buffer, 0, read);
                        }
                        received += read;
                        if (received > maxBytes) {
                            throw new DeployException("dp.uri " + uri + " sent more than " + maxBytes
                                    + " bytes (maxDownloadMiB of " + DeploymentAgent.PID + ")");
                        }
                        if (received >= nextBlock) {
                            index = (int) (received / step);
                            nextBlock = (received / step + 1) * step;
                            progress.block(received, total, index);
                            if (blockDelayMillis > 0) {
                                Thread.sleep(blockDelayMillis); // Kura's dp.download.block.delay: throttling asked for by the operator
                                lastByte.set(System.nanoTime()); // the pause is ours, not a stall
                            }
                        }
                    }
                    if (total >= 0 && received != total) {
                        throw new DeployException("truncated download: " + uri + " ended after " + received + " of "
                                + total + " bytes");
                    }
                    out.force(true);
                    progress.block(received, received, index + 1);
                    return new Result(sha256.digest(), other == null ? null : other.digest(), received);
                }
            } finally {
                watchdog.cancel(false);
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw new DeployException("dp.uri " + uri + " did not answer within dp.download.timeout " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new DeployException("download of " + uri + " failed: " + e, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A read; when the watchdog closed the body, the reason instead of the stream's own complaint. */
    private static int readOrExplain(InputStream body, byte[] buffer, AtomicBoolean cancelled, AtomicBoolean stalled,
            Duration timeout, URI uri, long received) throws IOException, DeployException {
        try {
            return body.read(buffer);
        } catch (IOException e) {
            if (cancelled.get()) {
                throw new DeployException("cancelled by DEL/download");
            }
            if (stalled.get()) {
                throw new DeployException("download of " + uri + " stalled: no data for " + timeout.toMillis()
                        + " ms (dp.download.timeout) after " + received + " bytes; the partial file is kept for a resume");
            }
            throw e;
        }
    }

    /** The partial file already holds {@code length} bytes: they are part of both digests. */
    private static void hashPrefix(Path part, long length, MessageDigest sha256, MessageDigest other) throws IOException {
        try (InputStream in = Files.newInputStream(part)) {
            byte[] buffer = new byte[BUFFER];
            long left = length;
            while (left > 0) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (read < 0) {
                    throw new IOException(part + " shrank while resuming");
                }
                sha256.update(buffer, 0, read);
                if (other != null) {
                    other.update(buffer, 0, read);
                }
                left -= read;
            }
        }
    }

    private static Result finish(Path part, UnitHash expected, long size, Progress progress, long blockSize)
            throws IOException {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            MessageDigest other = expected == null || expected.isSha256() ? null : expected.newDigest();
            hashPrefix(part, size, sha256, other);
            progress.block(size, size, (int) (blockSize > 0 ? size / blockSize : 1));
            return new Result(sha256.digest(), other == null ? null : other.digest(), size);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Optional<String> problemWith(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return Optional.of("dp.uri: '" + uri + "' is not an http or https URI");
        }
        if (uri.getHost() == null) {
            return Optional.of("dp.uri: '" + uri + "' names no host");
        }
        return Optional.empty();
    }
}
