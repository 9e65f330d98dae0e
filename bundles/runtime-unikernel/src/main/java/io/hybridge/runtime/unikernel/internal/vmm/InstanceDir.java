package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One instance's state directory, {@code <var>/unikernel/instances/<instance>/}: what survives a
 * gateway restart and lets the next runtime adopt the VM. {@code manifest.properties} (gateway,
 * workload, replica, spec hash, image digest, driver, accelerator, pid and its start time),
 * {@code vmm.pid} (written by the VMM), {@code console.log} (+ {@code .1} after rotation),
 * {@code exit.properties} once the VM has ended, and private files the VMM reads.
 *
 * <p>Unix sockets live in a short directory of their own ({@code socketDir}): a socket path is
 * limited to 107 bytes and instance names may be long.
 */
public final class InstanceDir {

    public static final String MANIFEST = "manifest.properties";
    public static final String EXIT = "exit.properties";

    private final Path path;
    private final Path socketDir;
    private final String shortId;

    public InstanceDir(Path path, Path socketDir) {
        this.path = path.toAbsolutePath().normalize();
        this.socketDir = socketDir.toAbsolutePath().normalize();
        this.shortId = shortId(this.path.toString());
    }

    private static String shortId(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path path() {
        return path;
    }

    public String name() {
        return path.getFileName().toString();
    }

    public Path pidFile() {
        return path.resolve("vmm.pid");
    }

    public Path console() {
        return path.resolve("console.log");
    }

    public Path rotatedConsole() {
        return path.resolve("console.log.1");
    }

    public Path vmmErrors() {
        return path.resolve("vmm.err");
    }

    public Path file(String name) {
        return path.resolve(name);
    }

    /** The control channel (QEMU: the guest's second serial port; Firecracker: its API). */
    public Path controlSocket() {
        return socketDir.resolve(shortId + ".ctl");
    }

    public Path qmpSocket() {
        return socketDir.resolve(shortId + ".qmp");
    }

    public Path socketDir() {
        return socketDir;
    }

    public boolean exists() {
        return Files.isRegularFile(path.resolve(MANIFEST));
    }

    public Map<String, String> manifest() throws IOException {
        return read(path.resolve(MANIFEST));
    }

    public void writeManifest(Map<String, String> values) throws IOException {
        write(path.resolve(MANIFEST), values);
    }

    public Optional<Map<String, String>> exit() throws IOException {
        Path file = path.resolve(EXIT);
        return Files.isRegularFile(file) ? Optional.of(read(file)) : Optional.empty();
    }

    public void writeExit(Map<String, String> values) throws IOException {
        write(path.resolve(EXIT), values);
    }

    /** The pid the VMM wrote, if it did. */
    public Optional<Long> pid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile()).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Writes a file only the gateway's user can read (the kernel command line holds the broker password). */
    public void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static Map<String, String> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> values = new TreeMap<>();
        properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
        return values;
    }

    /** Written to a temporary file and moved into place: a reader never sees half a manifest. */
    private static void write(Path file, Map<String, String> values) throws IOException {
        Properties properties = new Properties();
        properties.putAll(values);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            properties.store(writer, null);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
