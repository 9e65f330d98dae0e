package io.hybridge.device.internal;

import java.util.List;

/**
 * One known board, as read from a {@code device-profiles/*.json} file. These are the board's
 * static facts; what the running machine offers is detected separately.
 *
 * @param cpuMaxMHz 0 when the file does not say
 * @param origin    where the file came from, for messages
 */
record BoardProfile(
        String id,
        String name,
        String vendor,
        String architecture,
        String cpuModel,
        int cpuCores,
        int cpuMaxMHz,
        long memoryMiB,
        List<String> accelerators,
        MatchRules match,
        List<String> preferredRuntimes,
        boolean kvmExpected,
        String origin) {

    BoardProfile {
        accelerators = List.copyOf(accelerators);
        preferredRuntimes = List.copyOf(preferredRuntimes);
    }

    /** Same board, wherever the file lies (the distribution ships copies of the built-in files). */
    boolean sameFactsAs(BoardProfile other) {
        return equals(new BoardProfile(other.id, other.name, other.vendor, other.architecture, other.cpuModel,
                other.cpuCores, other.cpuMaxMHz, other.memoryMiB, other.accelerators, other.match,
                other.preferredRuntimes, other.kvmExpected, origin));
    }
}
