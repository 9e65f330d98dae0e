package io.hybridge.runtime.unikernel.internal.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.GZIPOutputStream;

/** Writes small ustar archives for tests, including the hostile entries real tools refuse to write. */
final class TestTar {

    record Entry(String name, char type, byte[] content, String linkName) {
        static Entry file(String name, byte[] content) {
            return new Entry(name, '0', content, "");
        }

        static Entry file(String name, String content) {
            return file(name, content.getBytes(StandardCharsets.UTF_8));
        }

        static Entry directory(String name) {
            return new Entry(name, '5', new byte[0], "");
        }

        static Entry symlink(String name, String target) {
            return new Entry(name, '2', new byte[0], target);
        }

        static Entry hardlink(String name, String target) {
            return new Entry(name, '1', new byte[0], target);
        }

        /** A PAX header giving {@code path} for the next entry (names longer than 100 bytes). */
        static Entry paxPath(String path) {
            String record = " path=" + path + "\n";
            int length = record.length() + 1;
            while (String.valueOf(length).length() + record.length() != length) {
                length = String.valueOf(length).length() + record.length();
            }
            return new Entry("PaxHeaders/x", 'x', (length + record).getBytes(StandardCharsets.UTF_8), "");
        }
    }

    private TestTar() {
    }

    static byte[] tar(List<Entry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Entry e : entries) {
            byte[] header = new byte[512];
            put(header, 0, 100, e.name());
            put(header, 100, 8, "0000644");
            put(header, 108, 8, "0000000");
            put(header, 116, 8, "0000000");
            put(header, 124, 12, String.format("%011o", e.content().length));
            put(header, 136, 12, String.format("%011o", 1_767_225_600L));
            header[156] = (byte) e.type();
            put(header, 157, 100, e.linkName());
            put(header, 257, 6, "ustar");
            header[262] = 0;
            put(header, 263, 2, "00");
            for (int i = 148; i < 156; i++) {
                header[i] = ' ';
            }
            long sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, 8, String.format("%06o", sum));
            header[154] = 0;
            header[155] = ' ';
            out.writeBytes(header);
            out.writeBytes(e.content());
            int pad = (512 - e.content().length % 512) % 512;
            out.writeBytes(new byte[pad]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }

    private static void put(byte[] header, int offset, int length, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }
}
