package io.hybridge.workloads.internal.spec;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds the known name a mistyped one was probably meant to be ("did you mean 'memoryMiB'?"). */
final class ClosestName {

    private ClosestName() {
    }

    /**
     * The known name nearest to {@code typed} (ignoring case), if it is near enough to be a typo, or
     * the one it abbreviates ({@code proto} for {@code protocol}).
     */
    static Optional<String> to(String typed, Collection<String> known) {
        String lower = typed.toLowerCase(Locale.ROOT);
        if (lower.length() >= 3) {
            Optional<String> abbreviated = known.stream()
                    .filter(name -> name.toLowerCase(Locale.ROOT).startsWith(lower)).findFirst();
            if (abbreviated.isPresent()) {
                return abbreviated;
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : known) {
            int distance = distance(lower, name.toLowerCase(Locale.ROOT));
            if (distance < bestDistance) {
                best = name;
                bestDistance = distance;
            }
        }
        int tolerated = Math.max(1, lower.length() / 3);
        return best != null && bestDistance <= tolerated ? Optional.of(best) : Optional.empty();
    }

    /** "; did you mean 'x'?" or nothing. */
    static String suggestion(String typed, Collection<String> known) {
        return to(typed, known).map(name -> "; did you mean '" + name + "'?").orElse("");
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
