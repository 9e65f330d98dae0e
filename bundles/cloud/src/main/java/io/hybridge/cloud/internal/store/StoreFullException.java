package io.hybridge.cloud.internal.store;

/**
 * The store refused a message because it is full; the message says which limit and the usage.
 * Checked, because the publisher has to be told (for example with a negative MQTT acknowledgement).
 */
public final class StoreFullException extends Exception {

    private static final long serialVersionUID = 1L;

    StoreFullException(String message) {
        super(message);
    }
}
