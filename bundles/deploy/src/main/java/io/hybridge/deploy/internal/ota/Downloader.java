package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;

import io.hybridge.api.crypto.Digests;

/**
 * Fetches a unit over HTTP(S) into a partial file, hashing while it streams (the file is never
 * read twice on the normal path). Built for throughput equal to a plain fetch: blocking reads of
 * up to 1 MiB straight from the socket, one write per read, digests from {@link Digests} (native
 * NSS: the gateway's C1-only JIT never reaches the JDK's SHA-NI intrinsic) computed on a second
 * thread while the next buffer is read, and what has arrived written back to the disk every
 * 32 MiB on a third thread while the transfer goes on. The fsync that makes the unit durable is
 * the job's, while it checks the file; it finds only the tail left (a {@code kill -9} keeps what
 * the kernel has; a power cut's torn tail fails the hash check and the next attempt starts over).
 * A partial file from an earlier attempt is continued with a {@code Range} request; the server's
 * 200 instead of 206 starts over.
 *
 * <p>Why {@link HttpURLConnection} and not {@code java.net.http.HttpClient}: for one large body
 * the asynchronous client moves every 16 KiB through its selector thread and a flow of small
 * buffers; measured on two cores under C1 it fetched at a third of {@code curl}'s rate, the
 * blocking connection at curl's. Redirects are followed within the same scheme only (an
 * http→https redirect is refused by the JDK): give dp.uri as the final URL.
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
    private static final int CONNECT_TIMEOUT_MILLIS = 30_000;
    /** Buffers in flight between the reading thread and the hasher. */
    private static final int HASH_DEPTH = 3;
    /**
     * Hashes what the downloads read, in order (one thread: a digest is sequential). Shared by
     * every download; the agent runs one at a time.
     */
    private static final ExecutorService HASHER = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "hybridge-ota-hash");
        thread.setDaemon(true);
        return thread;
    });
    /**
     * What has arrived is written back to the disk every this many bytes while the transfer goes
     * on (one flush at a time), so that the fsync that makes the unit durable at the end has only
     * the tail left instead of the whole file.
     */
    private static final long FLUSH_EVERY = 32L << 20;
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final SSLSocketFactory tls;
    private final long maxBytes;

    /**
     * @param tls      for https: trusts the JDK's CAs plus the configured ones; {@code null}: the JDK's default
     * @param maxBytes the largest unit accepted
     */
    Downloader(SSLSocketFactory tls, long maxBytes) {
        this.tls = tls;
        this.maxBytes = maxBytes;
    }

    /**
     * Downloads {@code uri} into {@code part}, continuing a partial file when {@code resume}.
     *
     * @param expected  the hash to compute besides SHA-256, or {@code null}
     * @param timeout   for the answer and for every read (dp.download.timeout): longer without a byte is a stall
     * @param cancelled checked after every read. A read that blocks on a stalled server cannot be ended
     *                  from another thread ({@code disconnect()} waits for it), so a cancel during a stall
     *                  takes effect when the read times out — while bytes flow, at once
     */
    Result fetch(URI uri, Path part, boolean resume, UnitHash expected, long blockSize, long blockDelayMillis,
            Duration timeout, AtomicBoolean cancelled, Progress progress) throws DeployException, InterruptedException {
        HttpURLConnection connection = null;
        long received = 0;
        try {
            Files.createDirectories(part.getParent());
            long have = resume && Files.isRegularFile(part) ? Files.size(part) : 0;
            connection = (HttpURLConnection) uri.toURL().openConnection();
            if (connection instanceof HttpsURLConnection https && tls != null) {
                https.setSSLSocketFactory(tls);
            }
            connection.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
            connection.setReadTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            connection.setInstanceFollowRedirects(true);
            connection.setUseCaches(false);
            connection.setRequestProperty("Accept-Encoding", "identity"); // the hash is over the file's own bytes
            if (have > 0) {
                connection.setRequestProperty("Range", "bytes=" + have + "-");
            }
            int status;
            try {
                status = connection.getResponseCode();
            } catch (SocketTimeoutException e) {
                throw new DeployException("dp.uri " + uri + " did not answer within dp.download.timeout " + timeout.toMillis() + " ms");
            }
            long offset;
            long total;
            if (status == 206 && have > 0) {
                String contentRange = Optional.ofNullable(connection.getHeaderField("Content-Range")).orElse("");
                Matcher range = CONTENT_RANGE.matcher(contentRange);
                if (!range.matches() || Long.parseLong(range.group(1)) != have) {
                    throw new DeployException("dp.uri " + uri + " answered a Range request for bytes " + have
                            + "- with Content-Range '" + contentRange + "'; it must start at " + have);
                }
                offset = have;
                total = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
            } else if (status == 416 && have > 0) {
                return finish(part, expected, have, progress, blockSize); // the partial file is already whole
            } else if (status == 200) {
                offset = 0;
                total = connection.getContentLengthLong();
            } else {
                throw new DeployException("dp.uri " + uri + " answered HTTP " + status + "; it must answer 200 with the unit");
            }
            if (total > maxBytes) {
                throw new DeployException("dp.uri " + uri + " is " + total + " bytes; this gateway takes at most "
                        + maxBytes + " (maxDownloadMiB of " + DeploymentAgent.PID + ")");
            }
            MessageDigest sha256 = Digests.sha256();
            MessageDigest other = expected == null || expected.isSha256() ? null : expected.newDigest();
            try (InputStream body = connection.getInputStream();
                    FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            offset == 0 ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
                if (offset > 0) {
                    hashPrefix(part, offset, sha256, other);
                }
                received = offset;
                long step = blockSize > 0 ? blockSize : Math.max(BUFFER, total > 0 ? total / 20 : BUFFER);
                long nextBlock = (received / step + 1) * step;
                int index = (int) (received / step);
                // double buffering: the hasher thread digests one buffer while the next is read and
                // written, so hashing is off the transfer's path when a second core is free
                byte[][] buffers = new byte[HASH_DEPTH][BUFFER];
                Future<?>[] hashed = new Future<?>[HASH_DEPTH];
                int slot = 0;
                Future<?> writeback = null;
                long nextFlush = received + FLUSH_EVERY;
                while (true) {
                    awaitHash(hashed[slot]); // this buffer is free again
                    byte[] buffer = buffers[slot];
                    int read = body.read(buffer);
                    if (read < 0) {
                        break;
                    }
                    if (cancelled.get()) {
                        throw new DeployException("cancelled by DEL/download");
                    }
                    if (received + read > maxBytes) {
                        throw new DeployException("dp.uri " + uri + " sent more than " + maxBytes
                                + " bytes (maxDownloadMiB of " + DeploymentAgent.PID + ")");
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, read);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    int length = read;
                    hashed[slot] = HASHER.submit(() -> {
                        sha256.update(buffer, 0, length);
                        if (other != null) {
                            other.update(buffer, 0, length);
                        }
                    });
                    slot = (slot + 1) % HASH_DEPTH;
                    received += read;
                    if (received >= nextFlush && (writeback == null || writeback.isDone())) {
                        nextFlush = received + FLUSH_EVERY;
                        writeback = AtomicFiles.forceLater(out);
                    }
                    if (received >= nextBlock) {
                        int crossed = (int) (received / step) - index; // one read may span several blocks
                        index = (int) (received / step);
                        nextBlock = (received / step + 1) * step;
                        progress.block(received, total, index);
                        if (blockDelayMillis > 0) {
                            // Kura's dp.download.block.delay, per block: throttling asked for by the operator.
                            // No read is pending, so the pause is not a stall
                            Thread.sleep(blockDelayMillis * crossed);
                        }
                    }
                }
                for (Future<?> pending : hashed) {
                    awaitHash(pending);
                }
                AtomicFiles.awaitFlush(writeback); // before the channel closes under it
                if (total >= 0 && received != total) {
                    throw new DeployException("truncated download: " + uri + " ended after " + received + " of "
                            + total + " bytes");
                }
                // no fsync here: the job flushes the file while it checks it, the store before adopting it
                progress.block(received, received, index + 1);
                return new Result(sha256.digest(), other == null ? null : other.digest(), received);
            }
        } catch (SocketTimeoutException e) {
            if (cancelled.get()) {
                throw new DeployException("cancelled by DEL/download");
            }
            throw new DeployException("download of " + uri + " stalled: no data for " + timeout.toMillis()
                    + " ms (dp.download.timeout) after " + received + " bytes; the partial file is kept for a resume");
        } catch (IOException e) {
            if (cancelled.get()) {
                throw new DeployException("cancelled by DEL/download");
            }
            throw new DeployException("download of " + uri + " failed after " + received + " bytes: " + e
                    + "; the partial file is kept for a resume", e);
        } finally {
            if (connection != null) {
                connection.disconnect(); // units are fetched rarely: no keep-alive socket left behind
            }
        }
    }

    private static void awaitHash(Future<?> hash) throws InterruptedException, IOException {
        if (hash == null) {
            return;
        }
        try {
            hash.get();
        } catch (ExecutionException e) {
            throw new IOException("hashing the download failed: " + e.getCause(), e.getCause());
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
        MessageDigest sha256 = Digests.sha256();
        MessageDigest other = expected == null || expected.isSha256() ? null : expected.newDigest();
        hashPrefix(part, size, sha256, other);
        progress.block(size, size, (int) (blockSize > 0 ? size / blockSize : 1));
        return new Result(sha256.digest(), other == null ? null : other.digest(), size);
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
