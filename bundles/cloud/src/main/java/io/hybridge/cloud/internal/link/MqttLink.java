package io.hybridge.cloud.internal.link;

/**
 * One MQTT client connection to the cloud broker, independent of the MQTT version: Paho's
 * 3.1.1 and 5 clients differ in every type, the cloud link needs the same few operations of both.
 *
 * <p>Not reconnecting by itself: {@link CloudConnection} decides when to try again (with
 * {@link Backoff}), so the store, BIRTH and subscriptions are redone in one place.
 */
interface MqttLink extends AutoCloseable {

    /**
     * Connects, blocking until the broker answered or the connect timeout passed.
     *
     * @throws LinkException with {@link LinkException.Kind#AUTHENTICATION} when the broker refused
     *         the credentials or the client, distinct from network trouble
     */
    void connect() throws LinkException;

    boolean isConnected();

    /**
     * How many QoS 1 messages the broker takes in flight from this client (MQTT 5's Receive
     * Maximum, announced in CONNACK); {@link Integer#MAX_VALUE} when the protocol has no such limit.
     */
    int brokerReceiveMaximum();

    /** Publishes without blocking; exactly one of the callback's methods is called later. */
    void publish(String topic, byte[] payload, int qos, boolean retain, DeliveryCallback callback);

    /** Subscribes, blocking until the broker acknowledged. */
    void subscribe(String topicFilter, int qos) throws LinkException;

    void unsubscribe(String topicFilter) throws LinkException;

    /** A clean disconnect (no will), waiting up to the timeout for in-flight work. */
    void disconnect(long timeoutMillis);

    /** Frees the client; also after a failed connect. */
    @Override
    void close();

    /** What the link reports; called on the MQTT client's own thread, so it must not block. */
    interface Listener {
        void messageArrived(String topic, byte[] payload, int qos);

        void connectionLost(Throwable cause);
    }

    /** Outcome of one publish. */
    interface DeliveryCallback {
        /** QoS 0: handed to the network; QoS 1: the broker acknowledged (PUBACK). */
        void delivered();

        void failed(Throwable cause);
    }
}
