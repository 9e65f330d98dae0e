package io.hybridge.launcher;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a tar stream (POSIX ustar with pax extended headers, as Maven's assembly plugin writes
 * with {@code tarLongFileMode=posix}; GNU long names too). Only what a self-update archive may
 * hold is accepted: regular files and directories. Links and special files are refused, as is a
 * header whose checksum is wrong or a stream that ends before the end-of-archive blocks, so a
 * truncated or tampered archive never looks complete.
 */
final class TarReader {

    enum Type { FILE, DIRECTORY }

    record Entry(String name, Type type, long size, Instant modified) {
    }

    private static final int BLOCK = 512;

    private final InputStream in;
    private final String source;
    private long remaining; // bytes of the current entry not yet read
    private long padding;

    TarReader(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** The next entry, or null at the end-of-archive marker. */
    Entry next() throws IOException {
        try {
            return nextEntry();
        } catch (NumberFormatException e) {
            throw new IOException(source + ": a tar header holds a malformed number (corrupt archive?)", e);
        }
    }

    private Entry nextEntry() throws IOException {
        skip(remaining + padding);
        remaining = 0;
        padding = 0;
        Map<String, String> pax = new HashMap<>();
        String longName = null;
        while (true) {
            byte[] header = readBlock();
            if (isZero(header)) {
                readBlock(); // the second zero block of the end-of-archive marker must be there too
                return null;
            }
            checkChecksum(header);
            char type = (char) header[156];
            long size = number(header, 124, 12);
            String name = longName != null ? longName : pax.getOrDefault("path", ustarName(header));
            if (pax.containsKey("size")) {
                size = Long.parseLong(pax.get("size"));
            }
            switch (type) {
                case 'x' -> {
                    pax.putAll(paxRecords(readData(size)));
                    continue;
                }
                case 'g' -> {
                    readData(size); // global defaults: nothing Hybridge needs
                    continue;
                }
                case 'L' -> {
                    longName = cString(readData(size), 0, (int) size);
                    continue;
                }
                case '0', '\0', '7' -> {
                    return entry(name, Type.FILE, size, header, pax);
                }
                case '5' -> {
                    return entry(name, Type.DIRECTORY, 0, header, pax);
                }
                case '1', '2' -> throw new IOException(source + ": entry " + name
                        + " is a link; a self-update archive holds regular files and directories only");
                default -> throw new IOException(source + ": entry " + name + " has type '" + type
                        + "'; a self-update archive holds regular files and directories only");
            }
        }
    }

    /** The content of the current file entry; read it fully before asking for the next entry. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (remaining == 0) {
                    return -1;
                }
                int n = in.read(buffer, offset, (int) Math.min(length, remaining));
                if (n < 0) {
                    throw new EOFException(source + " is truncated: it ends inside an entry");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private Entry entry(String name, Type type, long size, byte[] header, Map<String, String> pax) {
        remaining = size;
        padding = (BLOCK - size % BLOCK) % BLOCK;
        long mtime = number(header, 136, 12);
        Instant modified = Instant.ofEpochSecond(mtime);
        if (pax.containsKey("mtime")) {
            modified = Instant.ofEpochMilli((long) (Double.parseDouble(pax.get("mtime")) * 1000));
        }
        return new Entry(name, type, size, modified);
    }

    private byte[] readData(long size) throws IOException {
        if (size > 1 << 20) {
            throw new IOException(source + ": an extended header of " + size + " bytes is not plausible");
        }
        byte[] data = in.readNBytes((int) size);
        if (data.length < size) {
            throw new EOFException(source + " is truncated: it ends inside a header");
        }
        skip((BLOCK - size % BLOCK) % BLOCK);
        return data;
    }

    private byte[] readBlock() throws IOException {
        byte[] block = in.readNBytes(BLOCK);
        if (block.length < BLOCK) {
            throw new EOFException(source + " is truncated: it ends before the end-of-archive marker");
        }
        return block;
    }

    private void skip(long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long n = in.skip(left);
            if (n <= 0) {
                if (in.read() < 0) {
                    throw new EOFException(source + " is truncated: it ends inside an entry");
                }
                n = 1;
            }
            left -= n;
        }
    }

    private void checkChecksum(byte[] header) throws IOException {
        long recorded = number(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xff);
        }
        if (sum != recorded) {
            throw new IOException(source + ": a tar header's checksum is wrong (corrupt archive?)");
        }
    }

    private Map<String, String> paxRecords(byte[] data) throws IOException {
        // records are "<length> <key>=<value>\n", the length counting bytes of the whole record
        Map<String, String> records = new HashMap<>();
        int at = 0;
        while (at < data.length && data[at] != 0) {
            int space = at;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length = Integer.parseInt(new String(data, at, space - at, StandardCharsets.US_ASCII));
            if (length <= space - at + 1 || at + length > data.length) {
                throw new IOException(source + ": a pax extended header is malformed");
            }
            String body = new String(data, space + 1, at + length - space - 2, StandardCharsets.UTF_8);
            int equals = body.indexOf('=');
            if (equals > 0) {
                records.put(body.substring(0, equals), body.substring(equals + 1));
            }
            at += length;
        }
        return records;
    }

    private static String ustarName(byte[] header) {
        String name = cString(header, 0, 100);
        String magic = cString(header, 257, 6);
        if (magic.startsWith("ustar")) {
            String prefix = cString(header, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Octal, or GNU base-256 when the first byte has its high bit set. */
    private static long number(byte[] header, int offset, int length) {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String text = cString(header, offset, length).strip();
        return text.isEmpty() ? 0 : Long.parseLong(text, 8);
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
