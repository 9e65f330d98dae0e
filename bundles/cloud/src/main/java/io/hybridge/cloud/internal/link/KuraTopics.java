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

    String account() {
        return account;
    }

    String clientId() {
        return clientId;
    }
}
