package io.hybridge.cloud.internal.route;

/** A message a route will not forward; the message says why, for the route's log. */
final class RejectedMessageException extends Exception {

    private static final long serialVersionUID = 1L;

    RejectedMessageException(String reason) {
        super(reason, null, false, false); // expected, frequent, never needs a stack trace
    }
}
