/**
 * The KuraPayload message model and its wire codecs (Kura protobuf, Kura "simple JSON").
 *
 * <p>Internal: never exported. Hybridge speaks Kura's wire format without depending on Kura's
 * API artifacts (they are not on Maven Central), so the model and codecs live here, private to
 * the cloud bundle.
 */
package io.hybridge.cloud.internal.payload;
