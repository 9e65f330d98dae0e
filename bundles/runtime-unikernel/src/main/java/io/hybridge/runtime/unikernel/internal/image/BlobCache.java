package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

/**
 * The content-addressed blobs of the cache, {@code blobs/sha256/<hex>}. A blob is written to a
 * temporary file while it is hashed and moved in only when its digest and size match, so a
 * file under its digest's name always holds that content — a crash or a lying source leaves
 * only a temporary file, which garbage collection removes.
 */
final class BlobCache {

    private final Path blobs;
    private final Path tmp;

    BlobCache(Path root) throws IOException {
        this.blobs = Files.createDirectories(root.resolve("blobs").resolve("sha256"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
    }

    Path path(String digest) {
        return blobs.resolve(Digest.hex(digest));
    }

    boolean has(String digest) {
        return Files.isRegularFile(path(digest));
    }

    byte[] read(String digest) throws IOException {
        return Files.readAllBytes(path(digest));
    }

    /**
     * Streams {@code in} into the cache under {@code digest}.
     *
     * @param size the descriptor's size, or -1 when the source does not say (then {@code max} bounds it)
     * @param what names the blob and where it came from, for the error
     * @throws WorkloadException IMAGE_INVALID when the content is larger or smaller than said,
     *                           or hashes to another digest
     * @throws IOException       reading the source or writing the cache failed
     */
    Path store(InputStream in, String digest, long size, long max, String what) throws IOException, WorkloadException {
        Path target = path(digest);
        long limit = size >= 0 ? size : max;
        Path partial = Files.createTempFile(tmp, Digest.hex(digest).substring(0, 12), ".partial");
        try {
            MessageDigest sha256 = Digest.sha256();
            long written = 0;
            byte[] buffer = new byte[1 << 16];
            try (OutputStream out = Files.newOutputStream(partial)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    written += n;
                    if (written > limit) {
                        throw new WorkloadException(Reason.IMAGE_INVALID, what + " (" + digest + ") is larger than "
                                + limit + " bytes" + (size >= 0 ? ", the size its descriptor gives" : ", the most this store accepts"));
                    }
                    sha256.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            if (size >= 0 && written != size) {
                throw new WorkloadException(Reason.IMAGE_INVALID, what + " (" + digest + ") has " + written
                        + " bytes; its descriptor says " + size);
            }
            String actual = Digest.of(sha256);
            if (!actual.equals(digest)) {
                throw new WorkloadException(Reason.IMAGE_INVALID, what + ": content does not match its digest; expected "
                        + digest + ", got " + actual);
            }
            moveIn(partial, target);
            return target;
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Stores verified bytes already in memory (manifests), checking them the same way. */
    Path store(byte[] content, String digest, String what) throws IOException, WorkloadException {
        if (has(digest)) {
            return path(digest);
        }
        return store(new java.io.ByteArrayInputStream(content), digest, content.length, content.length, what);
    }

    Set<String> digests() throws IOException {
        Set<String> all = new TreeSet<>();
        try (Stream<Path> list = Files.list(blobs)) {
            list.map(p -> Digest.PREFIX + p.getFileName()).filter(Digest::isValid).forEach(all::add);
        }
        return all;
    }

    Path tmpDirectory() {
        return tmp;
    }

    private static void moveIn(Path partial, Path target) throws IOException {
        try {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // another pull of the same content won: same bytes, nothing to do
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + partial + " to " + target + " atomically; keep the cache on one file system", e);
        }
    }
}
