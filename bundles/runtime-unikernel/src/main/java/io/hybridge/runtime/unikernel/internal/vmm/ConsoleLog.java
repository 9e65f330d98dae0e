package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VM's console, as QEMU writes it to {@code console.log} ({@code append=on}: every write goes
 * to the end, so the file can be truncated under it). The runtime reads new complete lines from
 * it and keeps it bounded by copy-truncate: past {@code maxBytes} the file is copied to
 * {@code console.log.1} (replacing the previous one) and truncated, so at most about twice
 * {@code maxBytes} are on disk. What the guest writes in the microseconds between the copy and
 * the truncation is lost; nothing else is.
 */
public final class ConsoleLog {

    /** The telemetry init's exit line; an image may name its own with {@code io.hybridge.unikernel.exitLine}. */
    public static final String DEFAULT_EXIT_LINE = "hybridge-init: task exited with status";
    private static final int LONGEST_LINE = 64 * 1024;

    private final Path file;
    private final Path rotated;
    private final long maxBytes;
    private long offset;

    /** @param offset where reading starts: 0 for a new VM, the file's size for an adopted one (its past is in {@link #lastLines}) */
    public ConsoleLog(Path file, Path rotated, long maxBytes, long offset) {
        this.file = file;
        this.rotated = rotated;
        this.maxBytes = maxBytes;
        this.offset = offset;
    }

    /** New complete lines since the last call, rotating the file when it has grown past the bound. */
    public synchronized List<String> poll() throws IOException {
        List<String> lines = new ArrayList<>();
        if (!Files.exists(file)) {
            return lines;
        }
        long size = Files.size(file);
        if (size < offset) {
            offset = 0; // truncated by someone else
        }
        offset += read(file, offset, size, lines);
        if (size > maxBytes) {
            Files.copy(file, rotated, StandardCopyOption.REPLACE_EXISTING);
            long copied = Files.size(rotated);
            read(rotated, offset, copied, lines); // written between the read and the copy
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(0);
            }
            offset = 0;
        }
        return lines;
    }

    /** Reads whole lines of {@code path} in [from, to) into {@code lines}; returns the bytes consumed. */
    private static long read(Path path, long from, long to, List<String> lines) throws IOException {
        if (to <= from) {
            return 0;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(to - from, 8L * 1024 * 1024));
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.read(buffer, from);
        }
        byte[] bytes = buffer.array();
        int length = buffer.position();
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (bytes[i] == '\n' || i - start >= LONGEST_LINE) {
                lines.add(line(bytes, start, i));
                start = bytes[i] == '\n' ? i + 1 : i;
            }
        }
        return start;
    }

    private static String line(byte[] bytes, int start, int end) {
        int stop = end;
        while (stop > start && (bytes[stop - 1] == '\r')) {
            stop--;
        }
        return new String(bytes, start, stop - start, StandardCharsets.UTF_8);
    }

    /** The last {@code max} lines of the rotated and the current file together. */
    public static List<String> lastLines(Path file, Path rotated, int max) throws IOException {
        Deque<String> last = new ArrayDeque<>();
        for (Path path : List.of(rotated, file)) {
            if (!Files.exists(path)) {
                continue;
            }
            List<String> lines = new ArrayList<>();
            long size = Files.size(path);
            long consumed = read(path, 0, size, lines);
            if (consumed < size) {
                byte[] rest = Files.readAllBytes(path);
                if (rest.length > consumed) {
                    lines.add(line(rest, (int) consumed, rest.length)); // the line still being written
                }
            }
            for (String line : lines) {
                last.addLast(line);
                if (last.size() > max) {
                    last.removeFirst();
                }
            }
        }
        return List.copyOf(last);
    }

    /** The status of the last exit line among {@code lines}, if there is one. */
    public static OptionalInt exitStatus(List<String> lines, String exitLine) {
        Pattern pattern = Pattern.compile(Pattern.quote(exitLine) + "\\s*(-?\\d+)");
        for (int i = lines.size() - 1; i >= 0; i--) {
            Matcher matcher = pattern.matcher(lines.get(i));
            if (matcher.find()) {
                return OptionalInt.of(Integer.parseInt(matcher.group(1)));
            }
        }
        return OptionalInt.empty();
    }
}
