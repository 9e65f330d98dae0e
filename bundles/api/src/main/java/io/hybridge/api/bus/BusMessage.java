package io.hybridge.api.bus;

import java.util.Arrays;
import java.util.Objects;

/**
 * One message on the local bus. Immutable: the payload is copied in and out, so listeners that
 * share a message cannot change it for one another.
 *
 * @param topic the topic name it was published on
 * @param payload its bytes (a copy on every call)
 * @param qos the QoS it was published with, 0 to 2
 * @param retain whether the publisher set the retain flag
 * @param clientId the MQTT client id of the publisher, or {@link LocalBus#BUS_CLIENT_ID} for a
 *     message published in process
 */
public record BusMessage(String topic, byte[] payload, int qos, boolean retain, String clientId) {

    public BusMessage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(clientId, "clientId");
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos " + qos + " of a message on '" + topic + "'; expected 0, 1 or 2");
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The payload's length, without copying it. */
    public int payloadLength() {
        return payload.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BusMessage m && topic.equals(m.topic) && Arrays.equals(payload, m.payload)
                && qos == m.qos && retain == m.retain && clientId.equals(m.clientId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, clientId);
    }

    @Override
    public String toString() {
        return "BusMessage[topic=" + topic + ", " + payload.length + " bytes, qos=" + qos + ", retain=" + retain
                + ", clientId=" + clientId + "]";
    }
}
