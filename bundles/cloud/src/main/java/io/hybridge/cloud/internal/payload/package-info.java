/**
 * The wire codecs of the KuraPayload model ({@link io.hybridge.api.cloud.KuraPayload}): Kura
 * protobuf and Kura "simple JSON", both accepting gzip-compressed input.
 *
 * <p>Internal: never exported. Hybridge speaks Kura's wire format without depending on Kura's
 * API artifacts (they are not on Maven Central); the model is API, the codecs stay private.
 */
package io.hybridge.cloud.internal.payload;
