package io.hybridge.fleet.inventory;

import io.hybridge.fleet.wire.EdcTopic;

/** A gateway's address in Kura's namespace: account and MQTT client id. Printed {@code account/client-id}. */
public record GatewayId(String account, String clientId) implements Comparable<GatewayId> {
    public GatewayId {
        EdcTopic.level(account);
        EdcTopic.level(clientId);
    }

    /** {@code account/client-id}, or a bare client id in the default account. */
    public static GatewayId parse(String text, String defaultAccount) {
        int slash = text.indexOf('/');
        return slash < 0 ? new GatewayId(defaultAccount, text.trim())
                : new GatewayId(text.substring(0, slash).trim(), text.substring(slash + 1).trim());
    }

    @Override
    public int compareTo(GatewayId o) {
        int c = account.compareTo(o.account);
        return c != 0 ? c : clientId.compareTo(o.clientId);
    }

    @Override
    public String toString() {
        return account + "/" + clientId;
    }
}
