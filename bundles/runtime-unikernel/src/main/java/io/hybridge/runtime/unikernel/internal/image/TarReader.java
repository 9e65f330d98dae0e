package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads tar archives as image layers and OCI layout tars are written: POSIX ustar, with PAX
 * extended headers ({@code path}, {@code linkpath}, {@code size}) and GNU long names. Entry
 * names come back exactly as written; deciding whether a name is safe is the caller's job.
 */
final class TarReader {

    private static final int BLOCK = 512;
    /** PAX headers and GNU long names are small; more is a broken or hostile archive. */
    private static final int MAX_META_BYTES = 1 << 20;

    /** @param type the ustar type flag: '0' file, '1' hard link, '2' symbolic link, '5' directory, ... */
    record Entry(String name, char type, long size, String linkName) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }

        boolean isDirectory() {
            return type == '5';
        }

        boolean isLink() {
            return type == '1' || type == '2';
        }
    }

    /** The archive is not a well-formed tar (or ends early): the image is invalid, not the disk broken. */
    static final class CorruptTarException extends IOException {
        private static final long serialVersionUID = 1L;

        CorruptTarException(String message) {
            super(message);
        }
    }

    private final InputStream in;
    private final String what;
    private long remaining;
    private long padding;

    TarReader(InputStream in, String what) {
        this.in = in;
        this.what = what;
    }

    /** The next entry, or null at the end of the archive. Skips what is left of the previous one. */
    Entry next() throws IOException {
        skipRest();
        String longName = null;
        String longLink = null;
        String paxPath = null;
        String paxLink = null;
        long paxSize = -1;
        while (true) {
            byte[] header = new byte[BLOCK];
            int n = in.readNBytes(header, 0, BLOCK);
            if (n == 0) {
                return null; // archives without the two zero blocks end here too
            }
            if (n < BLOCK) {
                throw new CorruptTarException(what + " ends inside a tar header");
            }
            if (isZero(header)) {
                return null;
            }
            checkChecksum(header);
            char type = (char) header[156];
            long size = number(header, 124, 12);
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                if (size > MAX_META_BYTES) {
                    throw new CorruptTarException(what + " has a " + size + "-byte extended header; at most " + MAX_META_BYTES + " are read");
                }
                byte[] meta = in.readNBytes((int) size);
                if (meta.length < size) {
                    throw new CorruptTarException(what + " ends inside an extended header");
                }
                try {
                    in.skipNBytes(pad(size));
                } catch (java.io.EOFException e) {
                    throw new CorruptTarException(what + " ends inside an extended header");
                }
                if (type == 'L') {
                    longName = cString(meta);
                } else if (type == 'K') {
                    longLink = cString(meta);
                } else if (type == 'x') {
                    for (String[] kv : paxRecords(meta)) {
                        switch (kv[0]) {
                            case "path" -> paxPath = kv[1];
                            case "linkpath" -> paxLink = kv[1];
                            case "size" -> paxSize = paxNumber(kv[1]);
                            default -> { }
                        }
                    }
                }
                continue; // 'g' (global) carries nothing the store needs
            }
            String name = field(header, 0, 100);
            if (isUstar(header)) {
                String prefix = field(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            String link = field(header, 157, 100);
            name = paxPath != null ? paxPath : longName != null ? longName : name;
            link = paxLink != null ? paxLink : longLink != null ? longLink : link;
            if (paxSize >= 0) {
                size = paxSize;
            }
            if (size < 0) {
                throw new CorruptTarException(what + ": entry " + name + " has a negative size");
            }
            // links, directories and devices carry no content whatever the size field says
            boolean hasContent = type == '0' || type == '\0' || type == '7';
            remaining = hasContent ? size : 0;
            padding = hasContent ? pad(size) : 0;
            return new Entry(name, type, remaining, link);
        }
    }

    private long paxNumber(String value) throws CorruptTarException {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new CorruptTarException(what + " has a PAX size '" + value + "' that is not a number");
        }
    }

    /** The content of the current entry; reading stops at its end. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new CorruptTarException(what + " ends inside an entry");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skipRest() throws IOException {
        if (remaining > 0 || padding > 0) {
            try {
                in.skipNBytes(remaining + padding);
            } catch (java.io.EOFException e) {
                throw new CorruptTarException(what + " ends inside an entry");
            }
            remaining = 0;
            padding = 0;
        }
    }

    private void checkChecksum(byte[] header) throws IOException {
        long stored = number(header, 148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : header[i] & 0xff;
        }
        if (sum != stored) {
            throw new CorruptTarException(what + " is not a tar archive (header checksum " + stored + ", computed " + sum + ")");
        }
    }

    private static boolean isUstar(byte[] header) {
        return header[257] == 'u' && header[258] == 's' && header[259] == 't' && header[260] == 'a' && header[261] == 'r';
    }

    private static long pad(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    /** Octal, or base-256 (high bit set) as GNU tar writes sizes of 8 GiB and more. */
    private long number(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String text = field(header, offset, length).strip();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new CorruptTarException(what + " is not a tar archive (numeric field '" + text + "')");
        }
    }

    private static String field(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private List<String[]> paxRecords(byte[] meta) throws IOException {
        List<String[]> records = new ArrayList<>();
        int i = 0;
        while (i < meta.length) {
            int space = i;
            while (space < meta.length && meta[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(meta, i, space - i, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                throw new CorruptTarException(what + " has a malformed PAX header");
            }
            if (length <= 0 || i + length > meta.length) {
                throw new CorruptTarException(what + " has a malformed PAX header");
            }
            String record = new String(meta, space + 1, i + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                records.add(new String[] {record.substring(0, eq), record.substring(eq + 1)});
            }
            i += length;
        }
        return records;
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
