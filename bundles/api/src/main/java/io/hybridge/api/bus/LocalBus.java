package io.hybridge.api.bus;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The local MQTT bus, in process. Registered as an OSGi service by the broker bundle while the
 * local broker runs; when the broker stops or restarts the service goes away, its subscriptions
 * end and its publishes fail. Thread-safe.
 *
 * <p>What a subscription receives: every message an MQTT client publishes on a matching topic
 * (after the broker's ACL allowed it), and every message published through {@link #publish} on
 * a matching topic, by this or any other in-process user. What {@link #publish} reaches: the
 * broker's MQTT subscribers, with MQTT's QoS and retained semantics, and the bus's own
 * subscriptions. A component that both subscribes and publishes must therefore not publish under
 * its own filter, or it receives its own messages back.
 *
 * <p>Subscribing does not replay retained messages.
 */
@ProviderType
public interface LocalBus {

    /** The client id of messages published through {@link #publish}, as {@link BusMessage#clientId()} shows it. */
    String BUS_CLIENT_ID = "hybridge-bus";

    /** Service property (Integer): the TCP port MQTT clients reach the same broker on. */
    String PORT = "hybridge.bus.port";

    /** Service property (String): the address the broker listens on ({@code 0.0.0.0}: all). */
    String HOST = "hybridge.bus.host";

    /**
     * Publishes a message as if an MQTT client had, without an ACL check.
     *
     * <p>The stage completes once the broker has handed the message to every subscriber's
     * session (not when a subscriber acknowledged it), on a bus thread, never on one of the
     * broker's. It fails with {@link IllegalStateException} when the broker is not running or
     * refused the message for some subscriber (its session queue was full).
     *
     * <p>{@code retain} has MQTT's meaning: a retained message with a payload replaces the
     * topic's retained message and later MQTT subscribers receive it; an empty retained
     * payload deletes it. As for MQTT clients, the embedded broker (Moquette 0.17) keeps
     * retained messages of QoS 1 and 2 only: a retained QoS 0 message is delivered and deletes
     * the topic's retained message (MQTT 3.1.1 allows this, section 3.3.1.3).
     *
     * @param topic a topic name: not empty, without {@code +} or {@code #}
     * @param payload the bytes, copied before this method returns; empty is allowed
     * @param qos 0, 1 or 2
     * @throws IllegalArgumentException if the topic is not a topic name or qos is not 0 to 2
     */
    CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain);

    /**
     * Subscribes a listener to the messages on topics matching an MQTT topic filter.
     *
     * <p>The listener is called on a bus thread, one message at a time per subscription, in the
     * order the bus received them. It must return quickly: it shares a small pool of bus threads
     * with all other subscriptions, and while it is busy its messages queue up to a bound, beyond
     * which new ones are dropped for it (counted by {@link Subscription#droppedMessages()} and
     * logged). Work that may block (disk, network) belongs on the listener's own executor.
     * An exception thrown by the listener is logged; the subscription stays.
     *
     * @param topicFilter an MQTT topic filter: levels separated by {@code /}, {@code +} for one
     *     whole level, {@code #} as the whole last level for that level and all below, e.g.
     *     {@code sensors/+/temperature} or {@code sensors/#}. As in MQTT, a filter that starts
     *     with a wildcard does not match topics starting with {@code $}.
     * @throws IllegalArgumentException naming the filter and what is wrong with it
     * @throws IllegalStateException if the broker has stopped
     */
    Subscription subscribe(String topicFilter, BusListener listener);

    /** An active subscription; closing it stops delivery (a message being delivered finishes). */
    @ProviderType
    interface Subscription extends AutoCloseable {

        /** The filter this subscription was made with. */
        String topicFilter();

        /** How many messages were dropped for this subscription because its listener fell behind. */
        long droppedMessages();

        /** Ends the subscription; closing twice does nothing. */
        @Override
        void close();
    }
}
