package io.hybridge.device.internal;

import java.util.List;
import java.util.Set;

/**
 * How detection recognises a board. The identifying rules are alternatives (a board may be
 * known by its device tree on one OS image and by DMI on another): any prefix of any of them
 * identifies the board. The memory range then tells variants apart (a 4 GB from an 8 GB
 * board); it is compared with {@code MemTotal}, which is a little below the nominal size.
 * A board without identifying rules is never matched automatically, only configured.
 *
 * @param maxMemoryMiB 0 for no upper bound
 */
record MatchRules(
        List<String> deviceTreeModel,
        List<String> dmiProductName,
        List<String> cpuModel,
        long minMemoryMiB,
        long maxMemoryMiB) {

    /** The keys a profile's {@code match} object may have; anything else is a typo. */
    static final Set<String> KEYS = Set.of("deviceTreeModel", "dmiProductName", "cpuModel", "minMemoryMiB", "maxMemoryMiB");

    static final MatchRules NONE = new MatchRules(List.of(), List.of(), List.of(), 0, 0);

    /** No match at all. */
    static final int NO_MATCH = -1;

    MatchRules {
        deviceTreeModel = List.copyOf(deviceTreeModel);
        dmiProductName = List.copyOf(dmiProductName);
        cpuModel = List.copyOf(cpuModel);
    }

    /**
     * How well a machine of {@code architecture} with these facts matches: the length of the
     * longest matching prefix (a longer prefix is a more specific board), or {@link #NO_MATCH}.
     */
    int score(String boardArchitecture, MachineFacts facts) {
        if (!boardArchitecture.equals(facts.architecture())) {
            return NO_MATCH;
        }
        long memory = facts.physicalMemoryMiB();
        if (memory < minMemoryMiB || (maxMemoryMiB > 0 && memory > maxMemoryMiB)) {
            return NO_MATCH;
        }
        return Math.max(longestPrefix(deviceTreeModel, facts.deviceTreeModel()),
                Math.max(longestPrefix(dmiProductName, facts.dmiProductName()),
                        longestPrefix(cpuModel, facts.cpuModel())));
    }

    private static int longestPrefix(List<String> prefixes, String value) {
        int best = NO_MATCH;
        if (value.isEmpty()) {
            return best;
        }
        for (String prefix : prefixes) {
            if (value.startsWith(prefix)) {
                best = Math.max(best, prefix.length());
            }
        }
        return best;
    }
}
