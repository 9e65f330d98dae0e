package io.hybridge.cloud.internal.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message on its way to the cloud broker, as the publisher handed it over.
 *
 * <p>Priority 0 is the most urgent; the store delivers lower numbers first and keeps FIFO order
 * within one priority. The constants follow Kura's convention that lifecycle and replies go
 * ahead of telemetry, so a backlog of telemetry never delays a BIRTH or a request's reply.
 */
public final class OutgoingMessage {

    public static final int LIFECYCLE = 0;
    public static final int REPLY = 1;
    public static final int ALERT = 2;
    public static final int TELEMETRY = 5;
    /** The least urgent priority; the first to be dropped under {@link OverflowPolicy#DROP_OLDEST_LOWEST_PRIORITY}. */
    public static final int LOWEST = 9;

    private final String topic;
    private final byte[] payload;
    private final int qos;
    private final boolean retain;
    private final int priority;
    private final Instant createdAt;

    public OutgoingMessage(String topic, byte[] payload, int qos, boolean retain, int priority, Instant createdAt) {
        if (topic == null || topic.isEmpty()) {
            throw new IllegalArgumentException("topic must be a non-empty MQTT topic name, was " + topic);
        }
        if (topic.indexOf('+') >= 0 || topic.indexOf('#') >= 0) {
            throw new IllegalArgumentException("topic must not contain wildcards (+ or #): " + topic);
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("qos must be 0, 1 or 2, was " + qos + " (topic " + topic + ")");
        }
        if (priority < LIFECYCLE || priority > LOWEST) {
            throw new IllegalArgumentException(
                    "priority must be between " + LIFECYCLE + " (most urgent) and " + LOWEST + ", was " + priority
                            + " (topic " + topic + ")");
        }
        this.topic = topic;
        this.payload = Objects.requireNonNull(payload, "payload").clone();
        this.qos = qos;
        this.retain = retain;
        this.priority = priority;
        this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    }

    /** A QoS 1, non-retained message created now. */
    public static OutgoingMessage of(String topic, byte[] payload, int priority) {
        return new OutgoingMessage(topic, payload, 1, false, priority, Instant.now());
    }

    public String topic() {
        return topic;
    }

    /** A copy: the store's messages are immutable. */
    public byte[] payload() {
        return payload.clone();
    }

    int payloadLength() {
        return payload.length;
    }

    byte[] payloadUnsafe() {
        return payload;
    }

    public int qos() {
        return qos;
    }

    public boolean retain() {
        return retain;
    }

    public int priority() {
        return priority;
    }

    public Instant createdAt() {
        return createdAt;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OutgoingMessage m && qos == m.qos && retain == m.retain && priority == m.priority
                && topic.equals(m.topic) && Arrays.equals(payload, m.payload) && createdAt.equals(m.createdAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, Arrays.hashCode(payload), qos, retain, priority, createdAt);
    }

    @Override
    public String toString() {
        return "OutgoingMessage[topic=" + topic + ", " + payload.length + " bytes, qos=" + qos + ", retain=" + retain
                + ", priority=" + priority + ", createdAt=" + createdAt + "]";
    }

    int topicLength() {
        return topic.getBytes(StandardCharsets.UTF_8).length;
    }
}
