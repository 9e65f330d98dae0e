package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;

import java.util.Objects;

/**
 * What every Kura payload codec shares: it is selected by name, it encodes uncompressed (as
 * Kura does), and it accepts gzip-compressed input up to a size limit before reading it.
 * Subclasses only say how the uncompressed bytes are written and read.
 */
abstract class InflatingPayloadCodec implements PayloadCodec {

    private final String name;
    private final GzipInflater inflater;

    InflatingPayloadCodec(String name, int maxInflatedBytes) {
        this.name = name;
        this.inflater = new GzipInflater(maxInflatedBytes);
    }

    /** Writes the payload uncompressed. */
    abstract byte[] write(KuraPayload payload);

    /** Reads uncompressed bytes. */
    abstract KuraPayload read(byte[] data) throws PayloadException;

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final byte[] encode(KuraPayload payload) {
        return write(Objects.requireNonNull(payload, "payload"));
    }

    @Override
    public final KuraPayload decode(byte[] data) throws PayloadException {
        return read(inflater.inflateIfGzip(Objects.requireNonNull(data, "data")));
    }
}
