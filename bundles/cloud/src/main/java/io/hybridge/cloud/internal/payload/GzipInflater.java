package io.hybridge.cloud.internal.payload;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Inflates payloads that arrive gzip-compressed, as Kura devices may send them, with a cap on
 * the inflated size so that a small hostile message cannot exhaust the gateway's memory.
 *
 * <p>Detection by the gzip magic bytes is unambiguous for both codecs: 0x1f as the first byte
 * of protobuf would be field 3 with the invalid wire type 7, and it is not a legal first byte
 * of JSON text either.
 */
final class GzipInflater {
    /** 16 MiB: far above any sane MQTT payload, far below a heap a gateway can lose. */
    static final int DEFAULT_MAX_INFLATED_BYTES = 16 * 1024 * 1024;

    private final int maxInflatedBytes;

    GzipInflater(int maxInflatedBytes) {
        if (maxInflatedBytes <= 0) {
            throw new IllegalArgumentException("maximum inflated payload size must be positive,"
                    + " was " + maxInflatedBytes);
        }
        this.maxInflatedBytes = maxInflatedBytes;
    }

    static boolean isGzip(byte[] data) {
        return data.length >= 2 && (data[0] & 0xff) == 0x1f && (data[1] & 0xff) == 0x8b;
    }

    /** The data itself if it is not gzip, otherwise its inflated content. */
    byte[] inflateIfGzip(byte[] data) throws PayloadException {
        if (!isGzip(data)) {
            return data;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            return readCapped(in);
        } catch (EOFException e) {
            throw new PayloadException("gzip stream corrupt: truncated after " + data.length
                    + " compressed bytes", e);
        } catch (IOException e) {
            throw new PayloadException("gzip stream corrupt: " + e.getMessage(), e);
        }
    }

    private byte[] readCapped(InputStream in) throws IOException, PayloadException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) != -1) {
            total += n;
            if (total > maxInflatedBytes) {
                throw new PayloadException("gzip payload inflates to more than "
                        + maxInflatedBytes + " bytes, the configured limit; refusing it");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
