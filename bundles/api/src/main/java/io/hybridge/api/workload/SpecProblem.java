package io.hybridge.api.workload;

import java.util.Objects;

/**
 * One thing wrong with a spec, e.g. {@code resources.memoryMiB: -5 is negative; use 0 (no
 * limit) or a size in MiB}.
 *
 * @param field   the field's path in the JSON form ({@code ports[1].hostPort}), or the
 *                spec's name when the problem is the whole spec
 * @param message what is wrong and what would be right
 */
public record SpecProblem(String field, String message) {
    public SpecProblem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return field + ": " + message;
    }
}
