package io.hybridge.telemetry;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A test's own MQTT client on the broker: publishes readings, collects what the task sends. */
final class Subscriber implements AutoCloseable {

    /** A message as received, its payload parsed. */
    record Message(String topic, JsonNode json, long receivedNanos) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MqttClient client;
    private final LinkedBlockingQueue<Message> received = new LinkedBlockingQueue<>();

    Subscriber(String uri, String filter) throws MqttException {
        client = new MqttClient(uri, "test-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(Mosquitto.USER);
        options.setPassword(Mosquitto.PASSWORD.toCharArray());
        options.setMaxInflight(1000);
        client.connect(options);
        client.subscribe(filter, 1, (topic, message) -> received.add(new Message(topic, parse(message.getPayload()),
                System.nanoTime())));
    }

    /** Not every message is JSON (the tests send bad payloads too): those parse to a missing node. */
    private static JsonNode parse(byte[] payload) {
        try {
            return JSON.readTree(new String(payload, StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    void publish(String topic, String payload) throws MqttException {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    /** The next message that matches, skipping others; fails after {@code timeout}. */
    Message await(Duration timeout, String what, Predicate<Message> matches) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Message m = left > 0 ? received.poll(left, TimeUnit.NANOSECONDS) : null;
            if (m == null) {
                throw new AssertionError("no " + what + " within " + timeout);
            }
            if (matches.test(m)) {
                return m;
            }
        }
    }

    static Predicate<Message> status(String state) {
        return m -> m.topic().endsWith("/status") && m.json().path("state").asText().equals(state);
    }

    static Predicate<Message> stats(String sensor) {
        return m -> m.json().path("sensor").asText().equals(sensor) && m.json().has("windowStart");
    }

    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            client.disconnect();
        }
        client.close();
    }
}
