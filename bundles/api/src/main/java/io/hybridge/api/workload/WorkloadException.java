package io.hybridge.api.workload;

import java.util.Locale;
import java.util.Objects;

/**
 * A runtime could not do what it was asked. The {@link Reason} decides what the supervisor
 * does next (wait for the engine, back off, give up until the spec changes) and is shown to
 * operators next to the message, which names the input and what would be right.
 */
public class WorkloadException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why, in terms the supervisor acts on. */
    public enum Reason {
        /** The engine or VMM cannot be reached or is not installed; retried when it returns. */
        ENGINE_UNAVAILABLE(true),
        /** No such image, locally or in the registry. */
        IMAGE_NOT_FOUND(false),
        /** The pulled or loaded content does not match the pinned digest, or is corrupt. */
        IMAGE_INVALID(false),
        /** The registry refused the credentials. */
        REGISTRY_AUTH(false),
        /** The registry could not be reached or failed; retried with backoff. */
        REGISTRY_UNAVAILABLE(true),
        /** A requested host port is taken. */
        PORT_IN_USE(true),
        /** A requested host device does not exist. */
        DEVICE_MISSING(true),
        /** The spec asks for more than the device has (memory, CPUs). */
        INSUFFICIENT_RESOURCES(false),
        /** The spec is valid in general but not for this runtime. */
        UNSUPPORTED(false),
        /** The instance did not start for another reason (e.g. the entry point is missing). */
        START_FAILED(true),
        /** No such instance (already gone). */
        NOT_FOUND(false),
        /** Anything else. */
        INTERNAL(true);

        private final boolean transientFailure;

        Reason(boolean transientFailure) {
            this.transientFailure = transientFailure;
        }

        /** Whether trying again later (with backoff) can succeed without a new spec. */
        public boolean isTransient() {
            return transientFailure;
        }

        /** Kebab-case id for status output, e.g. {@code image-not-found}. */
        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    private final Reason reason;

    public WorkloadException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public WorkloadException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
