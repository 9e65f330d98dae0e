package io.hybridge.launcher;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of the self-update protocol under {@code var/slots/} (the contract with the deploy
 * bundle, documented in distribution/README.md, "Self-update"). Every write is atomic and
 * durable: a temporary file, fsync, rename over the target, fsync of the directory, so a
 * {@code kill -9} or a power cut leaves either the old content or the new, never a torn file.
 */
final class SlotDirectory {

    /** The installation as unpacked: always there, never deleted, the fallback of last resort. */
    static final String FACTORY = "factory";
    /** A slot's description, written last when it is staged: a slot without it does not exist. */
    static final String SLOT_PROPERTIES = "slot.properties";
    static final String STAGING_PREFIX = ".staging-";

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Path home;
    private final Path dir;

    SlotDirectory(Path home) {
        this.home = home;
        this.dir = home.resolve("var/slots");
    }

    Path dir() {
        return dir;
    }

    /** Checks a slot id as given by a deploy job or a command line. */
    static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches() || FACTORY.equals(id)) {
            throw new IllegalArgumentException("slot id '" + id + "' is not valid: expected 1 to 64 letters, digits,"
                    + " '.', '_' or '-', starting with a letter or digit, and not '" + FACTORY + "'");
        }
        return id;
    }

    /** The directory a slot runs from: the installation itself for the factory slot. */
    Path home(String slot) {
        return FACTORY.equals(slot) ? home : dir.resolve(checkId(slot));
    }

    boolean isStaged(String slot) {
        return FACTORY.equals(slot)
                || (ID.matcher(slot).matches() && Files.isRegularFile(dir.resolve(slot).resolve(SLOT_PROPERTIES)));
    }

    /** The slot's {@code slot.properties} (version, when and from what it was staged). */
    Properties slotProperties(String slot) {
        Properties properties = new Properties();
        if (!FACTORY.equals(slot)) {
            try {
                Path file = home(slot).resolve(SLOT_PROPERTIES);
                if (Files.isRegularFile(file)) {
                    properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return properties;
    }

    /**
     * The Hybridge version a slot holds: {@code hybridge.version} of its
     * {@code etc/framework.properties}, else the {@code version} its staging recorded.
     */
    String version(String slot) {
        try {
            Path file = home(slot).resolve("etc/framework.properties");
            if (Files.isRegularFile(file)) {
                Properties framework = new Properties();
                framework.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
                String version = framework.getProperty("hybridge.version");
                if (version != null && !version.isBlank()) {
                    return version.strip();
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // fall through to what staging recorded
        }
        return slotProperties(slot).getProperty("version", "unknown");
    }

    /** The first line of a protocol file, trimmed; empty when the file is absent or blank. */
    Optional<String> read(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        int eol = text.indexOf('\n');
        String first = (eol < 0 ? text : text.substring(0, eol)).strip();
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }

    String readAll(String name) throws IOException {
        Path file = dir.resolve(name);
        return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    boolean exists(String name) {
        return Files.exists(dir.resolve(name));
    }

    /** The confirmed slot the gateway runs; the factory installation when none was ever confirmed. */
    String current() throws IOException {
        return read("current").orElse(FACTORY);
    }

    void write(String name, String content) throws IOException {
        writeAtomically(dir.resolve(name), content);
    }

    void delete(String name) throws IOException {
        if (Files.deleteIfExists(dir.resolve(name))) {
            syncDirectory(dir.resolve(name).getParent());
        }
    }

    /** Removes a slot's directory (the factory is never removed). */
    void deleteSlot(String slot) throws IOException {
        if (!FACTORY.equals(slot)) {
            deleteTree(home(slot));
            // its class-data-sharing archive (bin/hybridge keeps one per slot) is of no use any more
            Files.deleteIfExists(home.resolve("var/cds/hybridge-" + slot + ".jsa"));
        }
    }

    /** Slot ids with a directory under {@code var/slots}, staged or not. */
    Stream<String> slotDirectories() throws IOException {
        if (!Files.isDirectory(dir)) {
            return Stream.empty();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> ID.matcher(name).matches())
                    .toList().stream();
        }
    }

    static void writeAtomically(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot replace " + file + " atomically (its file system has no rename?)", e);
        }
        syncDirectory(file.getParent());
    }

    /** Makes a rename or delete in the directory durable (Linux: fsync on the directory). */
    static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems refuse fsync on directories; the rename is still atomic there
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
        syncDirectory(root.getParent());
    }
}
