package io.hybridge.cloud.internal.link;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The Eclipse Kura / Kapua control topic namespace of one gateway:
 * {@code $EDC/<account>/<client-id>/...}. Account and client id must be single topic levels.
 */
final class KuraTopics {

    static final String CONTROL_PREFIX = "$EDC";
    private static final Pattern LEVEL = Pattern.compile("[^/+#\\u0000]+");

    private final String account;
    private final String clientId;

    KuraTopics(String account, String clientId) {
        this.account = requireLevel("account", account);
        this.clientId = requireLevel("client id", clientId);
    }

    static String requireLevel(String what, String value) {
        Objects.requireNonNull(value, what);
        if (!LEVEL.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' must be one MQTT topic level: not empty, without '/', '+', '#'");
        }
        return value;
    }

    String birth() {
        return lifecycle("BIRTH");
    }

    String disconnect() {
        return lifecycle("DC");
    }

    String lastWill() {
        return lifecycle("LWT");
    }

    String apps() {
        return lifecycle("APPS");
    }

    private String lifecycle(String kind) {
        return CONTROL_PREFIX + "/" + account + "/" + clientId + "/MQTT/" + kind;
    }

    /** Data topic of an application: {@code <account>/<client-id>/<app>/<resource>}. */
    String data(String app, String resource) {
        return account + "/" + clientId + "/" + requireLevel("application id", app) + "/" + resource;
    }

    /** Reply topic for a request: {@code $EDC/<account>/<requester>/<app>/REPLY/<request.id>}. */
    String reply(String requester, String app, String requestId) {
        return CONTROL_PREFIX + "/" + account + "/" + requester + "/" + app + "/REPLY/" + requestId;
    }

    /** Notification topic: {@code $EDC/<account>/<requester>/<app>/NOTIFY/<client-id>/<type>}. */
    String notification(String requester, String app, String type) {
        return CONTROL_PREFIX + "/" + account + "/" + requireLevel("requester client id", requester) + "/"
                + requireLevel("application id", app) + "/NOTIFY/" + clientId + "/" + type;
    }

    /** Filter for the requests of one verb to any app of this gateway: {@code $EDC/<account>/<client-id>/+/<VERB>/#}. */
    String requestFilter(String verb) {
        return CONTROL_PREFIX + "/" + account + "/" + clientId + "/+/" + verb + "/#";
    }

    /** Whether the topic is in the control namespace of this gateway. */
    boolean isControlTopic(String topic) {
        return topic.startsWith(CONTROL_PREFIX + "/" + account + "/" + clientId + "/");
    }

    /** The part of a data topic after {@code <account>/<client-id>/<app>/}, or {@code null} if it is not one of the app's. */
    String dataResource(String app, String topic) {
        String prefix = account + "/" + clientId + "/" + app + "/";
        return topic.startsWith(prefix) ? topic.substring(prefix.length()) : null;
    }

    /** Whether a value can be one topic level (used for request ids and requester client ids). */
    static boolean isLevel(String value) {
        return value != null && LEVEL.matcher(value).matches();
    }

    String account() {
        return account;
    }

    String clientId() {
        return clientId;
    }
}
