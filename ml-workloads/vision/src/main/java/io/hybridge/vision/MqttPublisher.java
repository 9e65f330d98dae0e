package io.hybridge.vision;

import java.nio.charset.StandardCharsets;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publishes to the gateway's local broker with Eclipse Paho (MQTT 3.1.1). Publishing never
 * blocks the frame loop: a message the client cannot take (broker away, in-flight window
 * full) is dropped and counted. The client reconnects by itself; a Last Will on the stats
 * topic tells subscribers the workload went away without saying goodbye.
 */
public final class MqttPublisher implements DetectionSink {

    private static final int MAX_IN_FLIGHT = 1000;

    private final MqttAsyncClient client;
    private final String topic;
    private final String statsTopic;
    private final int qos;
    private IMqttDeliveryToken lastStats;

    private MqttPublisher(MqttAsyncClient client, String topic, String statsTopic, int qos) {
        this.client = client;
        this.topic = topic;
        this.statsTopic = statsTopic;
        this.qos = qos;
    }

    /**
     * Connects, waiting at most {@code connectTimeoutSeconds}.
     *
     * @throws MqttException when the broker cannot be reached or refuses the client
     */
    public static MqttPublisher connect(VisionSettings settings, String source, int connectTimeoutSeconds)
            throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(settings.mqttUri(), settings.mqttClientId(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(connectTimeoutSeconds);
        options.setMaxInflight(MAX_IN_FLIGHT);
        if (!settings.mqttUsername().isEmpty()) {
            options.setUserName(settings.mqttUsername());
            options.setPassword(settings.mqttPassword());
        }
        StringBuilder will = new StringBuilder("{\"type\":\"gone\",\"source\":");
        DetectionJson.string(will, source);
        options.setWill(settings.mqttStatsTopic(), will.append('}').toString().getBytes(StandardCharsets.UTF_8), 1, false);
        try {
            client.connect(options).waitForCompletion(connectTimeoutSeconds * 1000L + 1000);
        } catch (MqttException e) {
            client.close(true);
            throw e;
        }
        return new MqttPublisher(client, settings.mqttTopic(), settings.mqttStatsTopic(), settings.mqttQos());
    }

    @Override
    public boolean detections(String json) {
        return publish(topic, json, qos);
    }

    /** Stats go at least once: their acknowledgement also shows everything before them was sent. */
    @Override
    public boolean stats(String json) {
        IMqttDeliveryToken token = send(statsTopic, json, Math.max(qos, 1));
        if (token != null) {
            lastStats = token;
        }
        return token != null;
    }

    private boolean publish(String to, String json, int withQos) {
        return send(to, json, withQos) != null;
    }

    private IMqttDeliveryToken send(String to, String json, int withQos) {
        try {
            return client.publish(to, json.getBytes(StandardCharsets.UTF_8), withQos, false);
        } catch (MqttException e) {
            // not connected (reconnect under way) or too many in flight: the frame loop goes on
            return null;
        }
    }

    @Override
    public void close() {
        try {
            // messages leave in order: once the last stats message is acknowledged, all before it went out
            if (lastStats != null && client.isConnected()) {
                lastStats.waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            // the broker went away; leave anyway
        }
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(6_000);
            }
        } catch (MqttException e) {
            // leaving anyway
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            // leaving anyway
        }
    }
}
