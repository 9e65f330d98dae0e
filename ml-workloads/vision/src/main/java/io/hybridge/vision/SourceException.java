package io.hybridge.vision;

/** A frame source that cannot be opened or read; the message says which and what would work. */
public final class SourceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public SourceException(String message) {
        super(message);
    }

    public SourceException(String message, Throwable cause) {
        super(message, cause);
    }
}
