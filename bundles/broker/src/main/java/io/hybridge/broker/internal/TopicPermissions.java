package io.hybridge.broker.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * What one kind of client may do with topics: the filters it may publish to and the filters it
 * may subscribe with (read). Nothing is allowed that no filter covers.
 */
record TopicPermissions(List<TopicFilter> publish, List<TopicFilter> subscribe) {

    static final TopicPermissions NONE = new TopicPermissions(List.of(), List.of());

    TopicPermissions {
        publish = List.copyOf(publish);
        subscribe = List.copyOf(subscribe);
    }

    /**
     * Parses the two filter lists of a configuration.
     *
     * @param field how the configuration names the lists, e.g. {@code "publish"} and
     *     {@code "subscribe"}, so that an error points at the entry to fix
     * @throws IllegalArgumentException naming the field, the entry and what is allowed
     */
    static TopicPermissions parse(String publishField, String[] publish, String subscribeField, String[] subscribe) {
        return new TopicPermissions(parseAll(publishField, publish), parseAll(subscribeField, subscribe));
    }

    boolean mayPublish(String topic, String username, String clientId) {
        return TopicFilter.isTopicName(topic) && anyCovers(publish, topic, username, clientId);
    }

    boolean maySubscribe(String filter, String username, String clientId) {
        try {
            TopicFilter.parse(filter);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        return anyCovers(subscribe, filter, username, clientId);
    }

    private static boolean anyCovers(List<TopicFilter> rules, String request, String username, String clientId) {
        for (TopicFilter rule : rules) {
            if (rule.covers(request, username, clientId)) {
                return true;
            }
        }
        return false;
    }

    private static List<TopicFilter> parseAll(String field, String[] filters) {
        List<TopicFilter> parsed = new ArrayList<>();
        if (filters == null) {
            return parsed;
        }
        for (int i = 0; i < filters.length; i++) {
            String filter = filters[i] == null ? "" : filters[i].trim();
            if (filter.isEmpty()) {
                continue; // Config Admin forms leave empty entries behind; they grant nothing
            }
            try {
                parsed.add(TopicFilter.parse(filter));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return parsed;
    }
}
