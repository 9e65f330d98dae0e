package io.hybridge.broker.internal;

/**
 * One MQTT topic filter of an access rule, e.g. {@code sensors/+/temp} or {@code devices/%u/#}.
 * Kept free of Moquette and OSGi so that the rule every access decision depends on is tested on
 * its own.
 *
 * <p>Matching follows MQTT 3.1.1 section 4.7: {@code +} matches exactly one level, {@code #}
 * matches its parent level and everything below ({@code sport/#} matches {@code sport}), and a
 * filter that starts with a wildcard never matches a topic that starts with {@code $} (such as
 * {@code $SYS/...}); only a rule naming the {@code $} level literally reaches those.
 *
 * <p>One check answers both questions the broker asks. For PUBLISH the request is a topic name;
 * for SUBSCRIBE it is itself a filter, and the rule must <em>cover</em> it: every topic the
 * requested filter could match must match the rule. So {@code sensors/#} covers
 * {@code sensors/+/temp}, but {@code sensors/+} does not cover {@code sensors/#} and
 * {@code sensors/a} does not cover {@code sensors/+}.
 *
 * <p>{@code %u} and {@code %c} stand for the client's username and client id, as in Mosquitto
 * ACL patterns. A username or client id that is empty or contains {@code /}, {@code +} or
 * {@code #} matches nothing through a pattern: substituted, it would widen the rule beyond the
 * one level it is meant to name (a client id {@code #} would turn {@code devices/%c} into
 * {@code devices/#}).
 */
final class TopicFilter {

    static final String USERNAME = "%u";
    static final String CLIENT_ID = "%c";

    private final String pattern;

    private TopicFilter(String pattern) {
        this.pattern = pattern;
    }

    /**
     * Parses a rule's filter.
     *
     * @throws IllegalArgumentException saying what is wrong and what would be right
     */
    static TopicFilter parse(String filter) {
        if (filter == null || filter.isEmpty()) {
            throw new IllegalArgumentException("empty topic filter; expected e.g. 'sensors/#'");
        }
        if (filter.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("topic filter '" + filter + "' contains a NUL character");
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException("topic filter '" + filter
                        + "': '#' must be a whole level and the last one, e.g. 'sensors/#'");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException("topic filter '" + filter
                        + "': '+' must be a whole level, e.g. 'sensors/+/temp'");
            }
        }
        return new TopicFilter(filter);
    }

    /** Whether {@code topic} is a valid PUBLISH topic name: not empty, no wildcards, no NUL. */
    static boolean isTopicName(String topic) {
        return topic != null && !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0
                && topic.indexOf('\u0000') < 0;
    }

    /**
     * Whether this rule, with {@code %u}/{@code %c} bound to the client, covers {@code request}:
     * a topic name (PUBLISH) or a topic filter (SUBSCRIBE).
     */
    boolean covers(String request, String username, String clientId) {
        if (request == null || request.isEmpty()) {
            return false;
        }
        String resolved = resolve(username, clientId);
        return resolved != null && covers(resolved.split("/", -1), request.split("/", -1));
    }

    /**
     * Whether a published topic name matches this filter taken literally, as a subscription's
     * filter is: {@code %u} and {@code %c} are ordinary characters here (the in-process bus).
     */
    boolean matches(String topicName) {
        return isTopicName(topicName) && covers(pattern.split("/", -1), topicName.split("/", -1));
    }

    String pattern() {
        return pattern;
    }

    /** The pattern with %u and %c replaced in one pass, or null when a value may not be substituted. */
    private String resolve(String username, String clientId) {
        if (pattern.indexOf('%') < 0) {
            return pattern;
        }
        StringBuilder out = new StringBuilder(pattern.length() + 16);
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            String value = null;
            if (c == '%' && i + 1 < pattern.length()) {
                char next = pattern.charAt(i + 1);
                if (next == 'u') {
                    value = username;
                } else if (next == 'c') {
                    value = clientId;
                } else {
                    out.append(c);
                    continue;
                }
                if (!isSafeLevelValue(value)) {
                    return null;
                }
                out.append(value);
                i++;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isSafeLevelValue(String value) {
        return value != null && !value.isEmpty() && value.indexOf('/') < 0 && value.indexOf('+') < 0
                && value.indexOf('#') < 0 && value.indexOf('\u0000') < 0;
    }

    private static boolean covers(String[] rule, String[] request) {
        // MQTT 4.7.2: wildcards at the first level do not reach $-topics
        if (request[0].startsWith("$") && (rule[0].equals("#") || rule[0].equals("+"))) {
            return false;
        }
        for (int i = 0; i < rule.length; i++) {
            String level = rule[i];
            if (level.equals("#")) {
                return true; // this level and everything below, including the parent itself
            }
            if (i >= request.length) {
                return false;
            }
            String asked = request[i];
            if (asked.equals("#")) {
                return false; // the request reaches below a level the rule limits
            }
            if (!level.equals("+") && !level.equals(asked)) {
                return false; // a literal level is covered only by itself (not by a '+')
            }
        }
        return rule.length == request.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicFilter && ((TopicFilter) other).pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
