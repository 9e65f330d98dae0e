package io.hybridge.cloud.internal.store;

/**
 * The store cannot do its job: the file cannot be opened or written, or the store is closed.
 * A message whose append ends with this exception must be treated as not accepted.
 */
public final class MessageStoreException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    MessageStoreException(String message) {
        super(message);
    }

    MessageStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
