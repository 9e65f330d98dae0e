package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * {@code refs.json}: which manifest digest each reference resolved to when it was last pulled
 * or loaded, so {@code present()} and {@code if-not-present} need no network. Rewritten whole
 * through a temporary file and an atomic rename: a crash leaves the old file or the new one.
 */
final class RefsFile {

    private final Path file;

    RefsFile(Path root) {
        this.file = root.resolve("refs.json");
    }

    synchronized Optional<String> get(String reference) throws IOException {
        return Optional.ofNullable(read().get(reference));
    }

    synchronized void put(String reference, String manifestDigest) throws IOException {
        Map<String, String> refs = read();
        refs.put(reference, manifestDigest);
        write(refs);
    }

    /** Drops every reference whose digest {@code gone} accepts. */
    synchronized void removeIf(Predicate<String> gone) throws IOException {
        Map<String, String> refs = read();
        if (refs.values().removeIf(gone)) {
            write(refs);
        }
    }

    synchronized Map<String, String> all() throws IOException {
        return read();
    }

    private Map<String, String> read() throws IOException {
        if (!Files.exists(file)) {
            return new TreeMap<>();
        }
        Map<String, Object> json = JSON.std.mapFrom(Files.readAllBytes(file));
        Map<String, String> refs = new TreeMap<>();
        if (json != null && json.get("refs") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (v != null && Digest.isValid(v.toString())) {
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
