package io.hybridge.fleet.wire;

import java.util.Objects;

/**
 * How the fleet reaches the broker its gateways use. The client id is also the requester id in
 * every request, so replies and notifications come back to it: keep it stable across restarts
 * (the broker keeps the session, {@code cleanSession=false}, and queues what arrives meanwhile).
 */
public record MqttSettings(String uri, String clientId, String username, String password) {
    public MqttSettings {
        Objects.requireNonNull(uri, "broker URI");
        if (!uri.matches("(tcp|ssl|ws|wss)://.+")) {
            throw new IllegalArgumentException("broker URI '" + uri + "' must start with tcp://, ssl://, ws:// or wss://");
        }
        EdcTopic.level(clientId);
    }
}
