package io.hybridge.runtime.unikernel.internal.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

/**
 * Unpacks image layers (tar, gzip-compressed or not) into a directory without ever writing
 * outside it: names that leave the root, and links whose target does, make the image invalid;
 * links that stay inside become copies of their targets (no symbolic link is ever created, so
 * no later entry can write through one); devices and FIFOs are skipped; OCI whiteouts delete
 * what earlier layers put there. The total size and the number of entries are bounded.
 */
final class LayerExtractor {

    private static final String WHITEOUT = ".wh.";
    private static final String OPAQUE = ".wh..wh..opq";

    private final long maxBytes;
    private final int maxEntries;
    private long written;
    private int entries;

    /** @param maxBytes most bytes all layers of one image may unpack to */
    LayerExtractor(long maxBytes, int maxEntries) {
        this.maxBytes = maxBytes;
        this.maxEntries = maxEntries;
    }

    /**
     * Unpacks one layer into {@code root}, over what earlier layers left.
     *
     * @param what names the layer (digest and image) for errors
     */
    void extract(InputStream layer, Path root, String what) throws IOException, WorkloadException {
        Path base = root.toAbsolutePath().normalize();
        InputStream in = decompressed(new BufferedInputStream(layer, 1 << 16));
        TarReader tar = new TarReader(in, what);
        List<Path[]> links = new ArrayList<>();
        TarReader.Entry entry;
        while ((entry = tar.next()) != null) {
            if (++entries > maxEntries) {
                throw new WorkloadException(Reason.IMAGE_INVALID, what + " has more than " + maxEntries + " entries");
            }
            Path target = inside(base, base, entry.name(), what, "entry " + entry.name());
            if (target.equals(base)) {
                continue; // "./"
            }
            String fileName = target.getFileName().toString();
            if (fileName.equals(OPAQUE)) {
                clear(target.getParent());
                continue;
            }
            if (fileName.startsWith(WHITEOUT)) {
                deleteRecursively(target.resolveSibling(fileName.substring(WHITEOUT.length())));
                continue;
            }
            if (entry.isDirectory()) {
                if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    deleteRecursively(target);
                    Files.createDirectories(target);
                }
            } else if (entry.isFile()) {
                Files.createDirectories(target.getParent());
                deleteRecursively(target);
                copy(tar.content(), target, what);
            } else if (entry.isLink()) {
                // a hard link names a path from the root, a symbolic link one from its own directory
                Path from = entry.type() == '1' || entry.linkName().startsWith("/") ? base : target.getParent();
                Path linkTarget = inside(base, from, entry.linkName(), what, "link " + entry.name() + " -> " + entry.linkName());
                links.add(new Path[] {target, linkTarget});
            }
            // character and block devices, FIFOs: nothing a VMM boots from
        }
        // links last, in order, so a target later in the layer is there; chains of links resolve as they come
        for (Path[] link : links) {
            if (Files.isRegularFile(link[1], LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(link[0].getParent());
                deleteRecursively(link[0]);
                try (InputStream source = Files.newInputStream(link[1], LinkOption.NOFOLLOW_LINKS)) {
                    copy(source, link[0], what);
                }
            }
        }
    }

    /** Whether the stream is gzip-compressed, by its magic number: media types of third-party images are not always right. */
    static InputStream decompressed(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new GZIPInputStream(in, 1 << 16);
        }
        return in;
    }

    /**
     * {@code name} resolved against {@code from}, lexically, when it stays inside {@code base}.
     * A leading '/' means the image root, as container engines read layer names.
     */
    static Path inside(Path base, Path from, String name, String what, String subject) throws WorkloadException {
        if (name.indexOf('\0') >= 0) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + ": " + subject + " has a NUL in its name");
        }
        String relative = name;
        Path start = from;
        if (relative.startsWith("/")) {
            start = base;
            relative = relative.replaceFirst("^/+", "");
        }
        Path resolved = relative.isEmpty() ? start : start.resolve(relative).normalize();
        if (!resolved.startsWith(base)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + ": " + subject
                    + " points outside the image; layer paths must stay below the image root");
        }
        return resolved;
    }

    private void copy(InputStream content, Path target, String what) throws IOException, WorkloadException {
        byte[] buffer = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(target)) {
            int n;
            while ((n = content.read(buffer)) > 0) {
                written += n;
                if (written > maxBytes) {
                    throw new WorkloadException(Reason.IMAGE_INVALID, what + " unpacks to more than " + maxBytes
                            + " bytes, the most one image may take");
                }
                out.write(buffer, 0, n);
            }
        }
    }

    private static void clear(Path dir) throws IOException {
        if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> list = Files.list(dir)) {
                for (Path p : list.toList()) {
                    deleteRecursively(p);
                }
            }
        }
    }

    static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
