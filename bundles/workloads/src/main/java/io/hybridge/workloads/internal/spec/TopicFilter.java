package io.hybridge.workloads.internal.spec;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** MQTT topic names and filters as the local broker's ACLs understand them. */
final class TopicFilter {

    private static final int LONGEST = 65_535;

    private TopicFilter() {
    }

    /**
     * What is wrong with {@code filter} as an MQTT topic filter, if anything: empty, a {@code #}
     * that is not the whole last level, a {@code +} that is not a whole level, a NUL, too long.
     */
    static Optional<String> filterProblem(String filter) {
        Optional<String> common = commonProblem(filter);
        if (common.isPresent()) {
            return common;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return Optional.of("'#' must be a whole level and the last one");
            }
            if (level.contains("+") && !level.equals("+")) {
                return Optional.of("'+' must be a whole level");
            }
        }
        return Optional.empty();
    }

    /** What is wrong with {@code topic} as a topic to publish to (no wildcards), if anything. */
    static Optional<String> topicProblem(String topic) {
        Optional<String> common = commonProblem(topic);
        if (common.isPresent()) {
            return common;
        }
        if (topic.contains("#") || topic.contains("+")) {
            return Optional.of("a topic to publish to has no wildcards ('+', '#')");
        }
        return Optional.empty();
    }

    /** Whether {@code topic} (no wildcards) lies within {@code filter}. */
    static boolean matches(String filter, String topic) {
        String[] filterLevels = filter.split("/", -1);
        String[] topicLevels = topic.split("/", -1);
        for (int i = 0; i < filterLevels.length; i++) {
            if (filterLevels[i].equals("#")) {
                return true;
            }
            if (i >= topicLevels.length) {
                return false;
            }
            if (!filterLevels[i].equals("+") && !filterLevels[i].equals(topicLevels[i])) {
                return false;
            }
        }
        return filterLevels.length == topicLevels.length;
    }

    private static Optional<String> commonProblem(String text) {
        if (text.isEmpty()) {
            return Optional.of("empty");
        }
        if (text.indexOf('\u0000') >= 0) {
            return Optional.of("contains a NUL character");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > LONGEST) {
            return Optional.of("longer than 65535 bytes");
        }
        return Optional.empty();
    }
}
