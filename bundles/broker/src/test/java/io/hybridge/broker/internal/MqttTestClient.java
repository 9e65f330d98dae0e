package io.hybridge.broker.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * A real MQTT 3.1.1 client (Eclipse Paho) on the broker under test, collecting what it receives.
 *
 * <p>Like a production client it connects again when the broker drops it right after the
 * CONNACK: Moquette 0.17 marks a connection connected in a listener that can run after the
 * client's next packet was read, and then drops the connection ("SUBSCRIBE received on already
 * closed connection"), once in 300 to 1,500 connects on loopback here. Only the first request
 * after a connect is retried, once; any other lost connection fails the test.
 */
final class MqttTestClient implements AutoCloseable {

    /** One received message. */
    record Received(String topic, String payload, int qos, boolean retained) {
    }

    /** A request to the broker, retried once when it is the first after a connect. */
    private interface Request {
        void send() throws MqttException;
    }

    private final MqttClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
    private boolean requestedSinceConnect;

    MqttTestClient(int port, String clientId) throws MqttException {
        client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        options.setConnectionTimeout(10);
        client.connect(options);
    }

    private void request(Request request) throws MqttException {
        boolean first = !requestedSinceConnect;
        requestedSinceConnect = true;
        try {
            request.send();
        } catch (MqttException e) {
            if (!first || e.getReasonCode() != MqttException.REASON_CODE_CONNECTION_LOST) {
                throw e;
            }
            System.err.println("MqttTestClient " + client.getClientId() + ": dropped right after its CONNACK ("
                    + e.getMessage() + "); connecting again as a production client would");
            client.connect(options);
            request.send();
        }
    }

    void subscribe(String filter, int qos) throws MqttException {
        request(() -> client.subscribe(filter, qos, (topic, message) -> received.add(new Received(topic,
                new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(), message.isRetained()))));
    }

    void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
    }

    void publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        message.setRetained(retained);
        request(() -> client.publish(topic, message));
    }

    /** The next message received, or null after the timeout. */
    Received next(long seconds) throws InterruptedException {
        return received.poll(seconds, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect(5_000);
        }
        client.close();
    }
}
