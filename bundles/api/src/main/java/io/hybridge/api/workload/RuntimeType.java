package io.hybridge.api.workload;

import java.util.Locale;

/** Where a workload runs. The spec's {@code runtime} field in lower case. */
public enum RuntimeType {
    /** An OCI container through a Docker-compatible engine. */
    CONTAINER,
    /** A microVM (unikernel-style image) under a VMM. */
    UNIKERNEL,
    /** The gateway chooses (placement); until placement exists this means {@link #CONTAINER}. */
    AUTO;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static RuntimeType of(String id) {
        for (RuntimeType type : values()) {
            if (type.id().equals(id)) {
                return type;
            }
        }
        throw new IllegalArgumentException("'" + id + "' is not a runtime; use container, unikernel or auto");
    }
}
