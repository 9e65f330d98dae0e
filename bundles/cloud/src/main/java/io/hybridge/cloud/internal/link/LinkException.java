package io.hybridge.cloud.internal.link;

/** A connect, subscribe or publish that did not work, classified for health and backoff. */
final class LinkException extends Exception {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** Bad username/password, client id refused or not authorised: retrying will not help by itself. */
        AUTHENTICATION,
        /** Broker unreachable, TLS handshake failed, timeouts: retry with backoff. */
        NETWORK,
        /** Anything else the client reports. */
        OTHER
    }

    private final Kind kind;

    LinkException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    Kind kind() {
        return kind;
    }
}
