package io.hybridge.deploy.internal.ota;

/**
 * A job step failed; the message is what the operator reads in the notification and the console.
 * {@link #frameworkUnchanged()} tells whether the failure came before anything ran (a unit that
 * does not resolve: FAILED) or after the new version started (ROLLED_BACK once undone).
 */
final class DeployException extends Exception {
    private static final long serialVersionUID = 1L;

    private final boolean frameworkUnchanged;

    DeployException(String message) {
        this(message, true);
    }

    DeployException(String message, boolean frameworkUnchanged) {
        super(message);
        this.frameworkUnchanged = frameworkUnchanged;
    }

    DeployException(String message, Throwable cause) {
        super(message, cause);
        this.frameworkUnchanged = true;
    }

    boolean frameworkUnchanged() {
        return frameworkUnchanged;
    }
}
