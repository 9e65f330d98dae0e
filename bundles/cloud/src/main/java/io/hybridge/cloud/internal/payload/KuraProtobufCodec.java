package io.hybridge.cloud.internal.payload;

import java.util.Objects;

/**
 * Kura's own payload encoding, protobuf {@code kuradatatypes.KuraPayload}: what Kura devices
 * send and Kapua expects. Decodes gzip-compressed input too; encodes uncompressed, as Kura does.
 */
public final class KuraProtobufCodec implements PayloadCodec {
    public static final String NAME = "kura-protobuf";

    private final GzipInflater inflater;

    public KuraProtobufCodec() {
        this(GzipInflater.DEFAULT_MAX_INFLATED_BYTES);
    }

    /** @param maxInflatedBytes the largest size a gzip-compressed payload may inflate to */
    public KuraProtobufCodec(int maxInflatedBytes) {
        this.inflater = new GzipInflater(maxInflatedBytes);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte[] encode(KuraPayload payload) {
        return ProtobufPayloadWriter.write(Objects.requireNonNull(payload, "payload"));
    }

    @Override
    public KuraPayload decode(byte[] data) throws PayloadException {
        return ProtobufPayloadReader.read(inflater.inflateIfGzip(Objects.requireNonNull(data, "data")));
    }
}
