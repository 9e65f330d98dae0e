package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;

/**
 * Bytes that should hold a KuraPayload do not. The message says what is wrong and where, so it
 * can go straight into a log line or a {@code response.exception.message}.
 *
 * <p>Checked on purpose: a malformed message from the network is an expected event, not a bug,
 * so every caller of {@link PayloadCodec#decode(byte[])} has to decide what to do with one.
 */
public class PayloadException extends Exception {
    private static final long serialVersionUID = 1L;

    public PayloadException(String message) {
        super(message);
    }

    public PayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
