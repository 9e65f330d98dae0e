package io.hybridge.broker.internal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** A real MQTT 3.1.1 client (Eclipse Paho) on the broker under test, collecting what it receives. */
final class MqttTestClient implements AutoCloseable {

    /** One received message. */
    record Received(String topic, String payload, int qos, boolean retained) {
    }

    private final MqttClient client;
    private final LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();

    MqttTestClient(int port, String clientId) throws MqttException {
        client = new MqttClient("tcp://127.0.0.1:" + port, clientId, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        options.setConnectionTimeout(10);
        client.connect(options);
    }

    void subscribe(String filter, int qos) throws MqttException {
        client.subscribe(filter, qos, (topic, message) -> received.add(new Received(topic,
                new String(message.getPayload(), StandardCharsets.UTF_8), message.getQos(), message.isRetained())));
    }

    void publish(String topic, String payload, int qos, boolean retained) throws MqttException {
        publish(topic, payload.getBytes(StandardCharsets.UTF_8), qos, retained);
    }

    void publish(String topic, byte[] payload, int qos, boolean retained) throws MqttException {
        MqttMessage message = new MqttMessage(payload);
        message.setQos(qos);
        message.setRetained(retained);
        client.publish(topic, message);
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
