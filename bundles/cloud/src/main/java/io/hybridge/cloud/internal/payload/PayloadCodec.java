package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;

/**
 * Turns a {@link KuraPayload} into the bytes of an MQTT message and back. Implementations are
 * stateless and thread-safe.
 */
public interface PayloadCodec {

    /** The name this codec is selected by in configuration (see {@link PayloadEncoding}). */
    String name();

    /** Encodes a payload. Cannot fail: the model only holds values every codec can carry. */
    byte[] encode(KuraPayload payload);

    /**
     * Decodes a payload, gzip-compressed or not.
     *
     * @throws PayloadException if the bytes are not a payload in this codec's format
     */
    KuraPayload decode(byte[] data) throws PayloadException;
}
