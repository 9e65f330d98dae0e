package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * {@code refs.json}: which manifest digest each reference resolved to when it was last pulled
 * or loaded, so {@code present()} and {@code if-not-present} need no network. Rewritten whole
 * through a temporary file and an atomic rename: a crash leaves the old file or the new one.
 */
final class RefsFile {

    private static final Logger LOG = LoggerFactory.getLogger(RefsFile.class);
    /** One lock per file, shared by every store over the same cache in this JVM: read-modify-write must not lose entries. */
    private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object lock;

    RefsFile(Path root) {
        this(root, "refs.json");
    }

    /** Another map of the same shape in the cache directory (the units' images, see {@link OciImageStore}). */
    RefsFile(Path root, String fileName) {
        this.file = root.resolve(fileName).toAbsolutePath().normalize();
        this.lock = LOCKS.computeIfAbsent(file, f -> new Object());
    }

    Optional<String> get(String reference) throws IOException {
        synchronized (lock) {
            return Optional.ofNullable(read().get(reference));
        }
    }

    void put(String reference, String manifestDigest) throws IOException {
        synchronized (lock) {
            Map<String, String> refs = read();
            refs.put(reference, manifestDigest);
            write(refs);
        }
    }

    void remove(String reference) throws IOException {
        synchronized (lock) {
            Map<String, String> refs = read();
            if (refs.remove(reference) != null) {
                write(refs);
            }
        }
    }

    /** Every digest some reference names. */
    java.util.Set<String> digests() throws IOException {
        synchronized (lock) {
            return new java.util.HashSet<>(read().values());
        }
    }

    /** Drops every reference whose digest {@code gone} accepts. */
    void removeIf(Predicate<String> gone) throws IOException {
        synchronized (lock) {
            Map<String, String> refs = read();
            if (refs.values().removeIf(gone)) {
                write(refs);
            }
        }
    }

    private Map<String, String> read() throws IOException {
        Map<String, String> refs = new TreeMap<>();
        if (!Files.exists(file)) {
            return refs;
        }
        Map<String, Object> json;
        try {
            json = JSON.std.mapFrom(Files.readAllBytes(file));
        } catch (IOException | RuntimeException e) {
            // only written by rename, so this is damage from outside; forgetting the refs costs a pull, not an image
            LOG.warn("{} is unreadable ({}); treating the cache as holding no references until the next pull rewrites it", file, e.getMessage());
            return refs;
        }
        if (json != null && json.get("refs") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k != null && v != null && Digest.isValid(v.toString())) {
                    refs.put(k.toString(), v.toString());
                }
            });
        }
        return refs;
    }

    private void write(Map<String, String> refs) throws IOException {
        Path partial = Files.createTempFile(file.getParent(), "refs", ".partial");
        try {
            Files.write(partial, JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asBytes(Map.of("refs", refs)));
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
