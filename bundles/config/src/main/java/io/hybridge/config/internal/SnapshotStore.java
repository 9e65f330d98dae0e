package io.hybridge.config.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as files {@code snapshot_<id>.json} in one directory, readable by the owner only
 * (they hold passwords in clear, so that a rollback restores them). Ids are epoch
 * milliseconds as in Kura, made unique by counting up when two snapshots fall in the same
 * millisecond. Only the newest {@code max} are kept.
 */
public final class SnapshotStore {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private static final Pattern FILE_NAME = Pattern.compile("snapshot_(\\d+)\\.json");
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private final Clock clock;
    private Path directory;
    private int max;

    public SnapshotStore(Path directory, int max, Clock clock) {
        this.clock = clock;
        configure(directory, max);
    }

    /** Changes where snapshots live and how many are kept; surplus old ones go at once. */
    public synchronized void configure(Path directory, int max) {
        if (max < 1) {
            throw new IllegalArgumentException("snapshots.max = " + max + " keeps no snapshot; expected 1 or more");
        }
        this.directory = directory;
        this.max = max;
        prune();
    }

    public synchronized Path directory() {
        return directory;
    }

    /** The ids of the stored snapshots, oldest first. */
    public synchronized List<Long> ids() {
        List<Long> ids = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return ids;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "snapshot_*.json")) {
            for (Path file : files) {
                Matcher m = FILE_NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    try {
                        ids.add(Long.parseLong(m.group(1)));
                    } catch (NumberFormatException tooLong) {
                        // not one of ours
                    }
                }
            }
        } catch (IOException e) {
            throw ConfigurationFailure.failed("cannot list the snapshots in " + directory + ": "
                    + ConfigAdminTransaction.describe(e), e);
        }
        Collections.sort(ids);
        return ids;
    }

    /** The snapshot with this id, if it is stored. */
    public synchronized Optional<Snapshot> read(long id) {
        Path file = file(id);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw ConfigurationFailure.failed("cannot read snapshot " + file + ": " + ConfigAdminTransaction.describe(e), e);
        }
        try {
            Snapshot snapshot = SnapshotJson.decode(text);
            return Optional.of(new Snapshot(id, snapshot.content()));
        } catch (IOException e) {
            throw ConfigurationFailure.failed("snapshot file " + file + " is damaged: " + e.getMessage()
                    + "; roll back to another snapshot or delete this file", e);
        }
    }

    /**
     * Stores a snapshot and drops the oldest beyond the limit.
     *
     * @return the new snapshot's id
     * @throws IOException when the directory or file cannot be written
     */
    public synchronized long write(SnapshotContent content) throws IOException {
        List<Long> ids = ids();
        long id = clock.millis();
        if (!ids.isEmpty() && id <= ids.get(ids.size() - 1)) {
            id = ids.get(ids.size() - 1) + 1;
        }
        createDirectory();
        Path file = file(id);
        Path tmp = directory.resolve("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, ownerOnly("rw-------"));
        Files.writeString(tmp, SnapshotJson.encode(id, content), StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        prune();
        return id;
    }

    private void createDirectory() throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory, ownerOnly("rwx------"));
        }
    }

    private void prune() {
        List<Long> ids = ids();
        for (int i = 0; i < ids.size() - max; i++) {
            Path file = file(ids.get(i));
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot delete the old snapshot {}: {}", file, e.toString());
            }
        }
    }

    private Path file(long id) {
        return directory.resolve("snapshot_" + id + ".json");
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }
}
