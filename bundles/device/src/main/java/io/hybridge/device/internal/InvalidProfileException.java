package io.hybridge.device.internal;

/** A profile file that cannot be used; the message names the file and what is wrong in it. */
final class InvalidProfileException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidProfileException(String message) {
        super(message);
    }

    InvalidProfileException(String message, Throwable cause) {
        super(message, cause);
    }
}
