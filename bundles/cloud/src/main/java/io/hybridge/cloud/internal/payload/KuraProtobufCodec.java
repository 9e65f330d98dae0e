package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;

/**
 * Kura's own payload encoding, protobuf {@code kuradatatypes.KuraPayload}: what Kura devices
 * send and Kapua expects. Decodes gzip-compressed input too; encodes uncompressed, as Kura does.
 */
public final class KuraProtobufCodec extends InflatingPayloadCodec {
    public static final String NAME = "kura-protobuf";

    public KuraProtobufCodec() {
        this(GzipInflater.DEFAULT_MAX_INFLATED_BYTES);
    }

    /** @param maxInflatedBytes the largest size a gzip-compressed payload may inflate to */
    public KuraProtobufCodec(int maxInflatedBytes) {
        super(NAME, maxInflatedBytes);
    }

    @Override
    byte[] write(KuraPayload payload) {
        return ProtobufPayloadWriter.write(payload);
    }

    @Override
    KuraPayload read(byte[] data) throws PayloadException {
        return ProtobufPayloadReader.read(data);
    }
}
