package io.hybridge.cloud.internal.route;

import java.util.ArrayList;
import java.util.List;

/**
 * An MQTT topic filter that also says what its wildcards matched: for
 * {@code sensors/+/temperature} and the topic {@code sensors/s1/temperature} the captures are
 * {@code [s1]}; a {@code #} captures the rest of the topic as one value ({@code a/b}), or an
 * empty value when the topic is the filter's parent ({@code sensors} for {@code sensors/#}).
 */
final class WildcardFilter {

    private final String filter;
    private final String[] levels;
    private final int wildcards;

    private WildcardFilter(String filter, String[] levels, int wildcards) {
        this.filter = filter;
        this.levels = levels;
        this.wildcards = wildcards;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong, e.g. "'#' must be the whole last level"
     */
    static WildcardFilter parse(String filter) {
        if (filter == null || filter.isEmpty()) {
            throw new IllegalArgumentException("a topic filter must not be empty");
        }
        if (filter.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("a topic filter must not contain NUL");
        }
        String[] levels = filter.split("/", -1);
        int wildcards = 0;
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException("'#' must be the whole last level, e.g. sensors/#");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException("'+' must be a whole level, e.g. sensors/+/temperature");
            }
            if (level.equals("+") || level.equals("#")) {
                wildcards++;
            }
        }
        return new WildcardFilter(filter, levels, wildcards);
    }

    /** How many wildcards the filter has: the highest {@code {n}} a template may use. */
    int wildcards() {
        return wildcards;
    }

    /** What the wildcards matched, in order, or null when the topic does not match. */
    List<String> captures(String topic) {
        String[] topicLevels = topic.split("/", -1);
        if (topicLevels[0].startsWith("$") && (levels[0].equals("+") || levels[0].equals("#"))) {
            return null; // MQTT 4.7.2: wildcards at the first level do not reach $-topics
        }
        List<String> captures = new ArrayList<>(wildcards);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                captures.add(i >= topicLevels.length ? "" : String.join("/",
                        java.util.Arrays.asList(topicLevels).subList(i, topicLevels.length)));
                return captures;
            }
            if (i >= topicLevels.length) {
                return null;
            }
            if (level.equals("+")) {
                captures.add(topicLevels[i]);
            } else if (!level.equals(topicLevels[i])) {
                return null;
            }
        }
        return levels.length == topicLevels.length ? captures : null;
    }

    @Override
    public String toString() {
        return filter;
    }
}
