package io.hybridge.api.cloud;

/** The verbs of Kura's request topics: {@code $EDC/<account>/<client-id>/<app-id>/<VERB>/...}. */
public enum Verb {
    GET, PUT, POST, DEL, EXEC;

    /** The verb named by a topic level, or {@code null} if the level is not a request verb. */
    public static Verb byTopicLevel(String level) {
        for (Verb verb : values()) {
            if (verb.name().equals(level)) {
                return verb;
            }
        }
        return null;
    }
}
