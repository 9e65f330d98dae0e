package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Writes that survive {@code kill -9} and power cuts whole or not at all: a temporary file
 * beside the target, fsync, rename over the target, fsync of the directory (so the rename
 * itself is durable). A reader sees the old content or the new, never a torn file.
 */
final class AtomicFiles {

    /**
     * Flushes downloads in the background: write-back during a transfer and the final fsync while
     * the job checks the file. One thread: flushes of one disk do not go faster side by side.
     */
    private static final ExecutorService WRITEBACK = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "hybridge-ota-writeback");
        thread.setDaemon(true);
        return thread;
    });

    private AtomicFiles() {
    }

    static void write(Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        move(tmp, target);
    }

    /** Renames {@code source} over {@code target} atomically and makes the rename durable. */
    static void move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(target.getParent());
    }

    /** {@code channel.force(false)} on the write-back thread. */
    static Future<?> forceLater(FileChannel channel) {
        return WRITEBACK.submit(() -> {
            channel.force(false);
            return null;
        });
    }

    /** {@link #fsync} on the write-back thread. */
    static Future<?> fsyncLater(Path file) {
        return WRITEBACK.submit(() -> {
            fsync(file);
            return null;
        });
    }

    /**
     * Waits for a background flush without reporting its failure: whoever needs the file durable
     * fsyncs it again ({@link UnitStore#adopt}) and that fsync says what is wrong with the disk.
     */
    static void awaitFlush(Future<?> flush) throws InterruptedException {
        if (flush == null) {
            return;
        }
        try {
            flush.get();
        } catch (ExecutionException e) {
            // reported by the fsync that follows
        }
    }

    static void fsync(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
    }

    static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every file system lets a directory be opened for sync; the rename is still atomic
        }
    }
}
