package io.hybridge.cloud.internal.route;

import java.util.ArrayList;
import java.util.List;

/**
 * How a to-cloud route names the cloud topic of a local message: a template in which
 * {@code {topic}} stands for the whole local topic and {@code {1}}..{@code {n}} for what the
 * local filter's wildcards matched, in order. {@code sensors/+/temperature} with
 * {@code temperature/{1}} sends {@code sensors/s1/temperature} to {@code temperature/s1}. There is
 * no escaping: a template cannot contain a literal {@code {}.
 */
final class CloudTopicTemplate {

    static final String TOPIC = "{topic}";

    /** Literal text, or a placeholder: -1 for {topic}, 1..n for a wildcard capture. */
    private record Part(String text, int placeholder) {
    }

    private final String template;
    private final WildcardFilter localFilter;
    private final List<Part> parts;

    private CloudTopicTemplate(String template, WildcardFilter localFilter, List<Part> parts) {
        this.template = template;
        this.localFilter = localFilter;
        this.parts = parts;
    }

    /**
     * @throws IllegalArgumentException saying what is wrong and what is allowed
     */
    static CloudTopicTemplate parse(String template, WildcardFilter localFilter) {
        if (template.isEmpty()) {
            throw new IllegalArgumentException("must not be empty; e.g. {topic}");
        }
        if (template.indexOf('+') >= 0 || template.indexOf('#') >= 0 || template.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("must be a topic name, without '+', '#' or NUL; use {topic}"
                    + " or {1}..{n} for what the local filter matched");
        }
        List<Part> parts = new ArrayList<>();
        int at = 0;
        while (at < template.length()) {
            int open = template.indexOf('{', at);
            if (open < 0) {
                parts.add(new Part(template.substring(at), 0));
                break;
            }
            if (open > at) {
                parts.add(new Part(template.substring(at, open), 0));
            }
            int close = template.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("has a '{' without '}'; placeholders are {topic} and {1}..{n}");
            }
            parts.add(new Part(null, placeholder(template.substring(open, close + 1), localFilter)));
            at = close + 1;
        }
        return new CloudTopicTemplate(template, localFilter, List.copyOf(parts));
    }

    private static int placeholder(String placeholder, WildcardFilter localFilter) {
        if (placeholder.equals(TOPIC)) {
            return -1;
        }
        String digits = placeholder.substring(1, placeholder.length() - 1);
        int n;
        try {
            n = Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1 || n > localFilter.wildcards()) {
            throw new IllegalArgumentException("has the placeholder " + placeholder + "; allowed are {topic}"
                    + (localFilter.wildcards() == 0 ? " (the local topic '" + localFilter + "' has no wildcards)"
                            : " and {1}.." + "{" + localFilter.wildcards() + "} for the wildcards of '" + localFilter + "'"));
        }
        return n;
    }

    /**
     * The cloud topic of a local message, or null when the local topic does not match the
     * route's filter or the result would be empty.
     */
    String cloudTopic(String localTopic) {
        List<String> captures = localFilter.captures(localTopic);
        if (captures == null) {
            return null;
        }
        StringBuilder topic = new StringBuilder(template.length() + localTopic.length());
        for (Part part : parts) {
            if (part.text != null) {
                topic.append(part.text);
            } else if (part.placeholder < 0) {
                topic.append(localTopic);
            } else {
                topic.append(captures.get(part.placeholder - 1));
            }
        }
        return topic.length() == 0 ? null : topic.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
