package io.hybridge.api.workload;

import java.util.Objects;

/**
 * Whether a runtime can run anything now.
 *
 * @param available whether the engine/VMM answers
 * @param detail    when available, what it is (e.g. {@code Docker 26.1.5 at unix:///var/run/docker.sock});
 *                  otherwise why not and what would fix it
 */
public record RuntimeAvailability(boolean available, String detail) {
    public RuntimeAvailability {
        Objects.requireNonNull(detail, "detail");
    }

    public static RuntimeAvailability up(String detail) {
        return new RuntimeAvailability(true, detail);
    }

    public static RuntimeAvailability down(String reason) {
        return new RuntimeAvailability(false, reason);
    }
}
