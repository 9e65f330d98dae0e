package io.hybridge.fleet.wire;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.cloud.internal.payload.KuraProtobufCodec;
import io.hybridge.cloud.internal.payload.PayloadException;

/**
 * Kura protobuf payloads, encoded and decoded by the cloud bundle's own codec (embedded
 * privately in this jar by bnd), so that the gateway and the fleet cannot disagree on the wire.
 */
public final class KuraCodec {
    private static final KuraProtobufCodec CODEC = new KuraProtobufCodec();

    private KuraCodec() {
    }

    public static byte[] encode(KuraPayload payload) {
        return CODEC.encode(payload);
    }

    /** @throws IllegalArgumentException saying why the bytes are not a Kura payload */
    public static KuraPayload decode(byte[] data) {
        try {
            return CODEC.decode(data);
        } catch (PayloadException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}
