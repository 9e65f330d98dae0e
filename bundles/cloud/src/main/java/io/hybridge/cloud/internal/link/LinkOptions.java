package io.hybridge.cloud.internal.link;

import javax.net.SocketFactory;

/**
 * What both Paho clients need to connect.
 *
 * @param socketFactory always set: TCP_NODELAY sockets, with the TLS setup for {@code ssl://} and {@code wss://}
 * @param willTopic     the Kura LWT topic, registered as the MQTT will (QoS 1, not retained)
 */
record LinkOptions(String serverUri, String clientId, String username, char[] password, int keepAliveSeconds,
                   int connectTimeoutSeconds, boolean cleanSession, int maxInflight, SocketFactory socketFactory,
                   boolean hostnameVerification, String willTopic, byte[] willPayload) {
}
