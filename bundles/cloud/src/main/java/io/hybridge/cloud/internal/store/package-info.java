/**
 * Store-and-forward: the on-disk queue of messages waiting for the cloud broker.
 *
 * <p>Internal: never exported. {@link io.hybridge.cloud.internal.store.MessageStore} keeps every
 * queued message in one H2 MVStore file and acknowledges an append only once the message is on
 * disk (committed and fsync'ed); concurrent appends share one commit ("group commit") so that
 * durability does not cost throughput. See {@code MessageStore} for the exact delivery guarantee.
 */
package io.hybridge.cloud.internal.store;
