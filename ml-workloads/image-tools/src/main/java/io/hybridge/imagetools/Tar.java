package io.hybridge.imagetools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reproducible POSIX ustar archives: entries in the caller's order, owner 0:0, one fixed
 * modification time, regular files and directories only — the same input gives the same bytes,
 * so the same digest. Also reads such archives back (regular files).
 */
final class Tar {

    /** 2026-01-01T00:00:00Z, the build's fixed timestamp ({@code project.build.outputTimestamp}). */
    static final long MTIME = 1_767_225_600L;
    private static final int BLOCK = 512;

    private Tar() {
    }

    /** An entry: a directory (name ends with '/', no source) or a regular file. */
    record Entry(String name, Path source, byte[] content, int mode) {
        static Entry directory(String name) {
            return new Entry(name.endsWith("/") ? name : name + "/", null, null, 0755);
        }

        static Entry file(String name, Path source, int mode) {
            return new Entry(name, source, null, mode);
        }

        static Entry file(String name, byte[] content, int mode) {
            return new Entry(name, null, content, mode);
        }

        long size() throws IOException {
            return content != null ? content.length : source != null ? Files.size(source) : 0;
        }
    }

    static void write(OutputStream out, Iterable<Entry> entries) throws IOException {
        for (Entry e : entries) {
            boolean dir = e.name().endsWith("/");
            long size = dir ? 0 : e.size();
            out.write(header(e.name(), e.mode(), size, dir ? '5' : '0'));
            if (!dir) {
                long copied;
                if (e.content() != null) {
                    out.write(e.content());
                    copied = e.content().length;
                } else {
                    copied = Files.copy(e.source(), out);
                }
                if (copied != size) {
                    throw new IOException(e.source() + " changed while it was archived");
                }
                pad(out, size);
            }
        }
        out.write(new byte[2 * BLOCK]);
    }

    /** The regular files of an archive, by name, read into memory (for small archives and tests). */
    static Map<String, byte[]> read(InputStream in) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] header = new byte[BLOCK];
        while (in.readNBytes(header, 0, BLOCK) == BLOCK) {
            if (header[0] == 0) {
                break;
            }
            String name = field(header, 0, 100);
            String prefix = field(header, 345, 155);
            if (!prefix.isEmpty()) {
                name = prefix + "/" + name;
            }
            long size = Long.parseLong(field(header, 124, 12).trim(), 8);
            byte[] content = in.readNBytes((int) size);
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            char type = (char) header[156];
            if (type == '0' || type == 0) {
                files.put(name, content);
            }
        }
        return files;
    }

    private static byte[] header(String name, int mode, long size, char type) {
        byte[] h = new byte[BLOCK];
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            throw new IllegalArgumentException("tar entry name longer than 100 bytes: " + name);
        }
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        octal(h, 100, 8, mode);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, MTIME);
        h[156] = (byte) type;
        System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
        h[263] = '0';
        h[264] = '0';
        System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 265, 4);
        System.arraycopy("root".getBytes(StandardCharsets.US_ASCII), 0, h, 297, 4);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        return h;
    }

    private static void octal(byte[] h, int offset, int length, long value) {
        String s = Long.toOctalString(value);
        if (s.length() > length - 1) {
            throw new IllegalArgumentException("value too large for a tar header field: " + value);
        }
        s = "0".repeat(length - 1 - s.length()) + s;
        System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, offset, length - 1);
        h[offset + length - 1] = 0;
    }

    private static String field(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static void pad(OutputStream out, long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }
}
