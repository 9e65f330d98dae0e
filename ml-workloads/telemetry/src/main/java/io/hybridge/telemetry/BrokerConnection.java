package io.hybridge.telemetry;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BiConsumer;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * The task's session on the gateway's local broker (Eclipse Paho, MQTT 3.1.1): subscribes to
 * the input filter (again after every automatic reconnect — sessions are clean), publishes
 * without ever blocking the caller, and leaves a Last Will {@code {"state":"gone"}} on the
 * status topic.
 */
final class BrokerConnection implements AutoCloseable {

    private static final int MAX_IN_FLIGHT = 1000;
    private static final int INPUT_QOS = 1;

    private final MqttAsyncClient client;
    private final TelemetrySettings settings;
    private volatile IMqttDeliveryToken last;

    private BrokerConnection(MqttAsyncClient client, TelemetrySettings settings) {
        this.client = client;
        this.settings = settings;
    }

    /**
     * Connects and subscribes. A broker that is not there yet is tried again until
     * {@code settings.connectTimeout()}; a refusal (credentials, client id) is final at once.
     *
     * @param onMessage called on Paho's thread with (topic, payload); must not throw
     * @param log       progress lines
     * @throws MqttException the last failure
     */
    static BrokerConnection open(TelemetrySettings settings, BiConsumer<String, byte[]> onMessage, PrintStream log)
            throws MqttException, InterruptedException {
        MqttAsyncClient client = new MqttAsyncClient(settings.mqttUri(), settings.mqttClientId(), new MemoryPersistence());
        BrokerConnection connection = new BrokerConnection(client, settings);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverUri) {
                if (reconnect) {
                    log.println("telemetry: reconnected to " + serverUri + ", subscribing to " + settings.inputTopic() + " again");
                    connection.subscribe();
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                log.println("telemetry: connection to the broker lost (" + cause + "); reconnecting");
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                onMessage.accept(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // nothing waits for single deliveries
            }
        });
        MqttConnectOptions options = new MqttConnectOptions();
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setKeepAliveInterval(30);
        options.setMaxInflight(MAX_IN_FLIGHT);
        if (!settings.mqttUsername().isEmpty()) {
            options.setUserName(settings.mqttUsername());
            options.setPassword(settings.mqttPassword());
        }
        StringBuilder will = TelemetryJson.status("gone", settings.mqttClientId(), System.currentTimeMillis()).append('}');
        options.setWill(settings.statusTopic(), will.toString().getBytes(StandardCharsets.UTF_8), 1, false);

        long deadline = System.nanoTime() + settings.connectTimeout().toNanos();
        Duration pause = Duration.ofMillis(200);
        while (true) {
            long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            options.setConnectionTimeout((int) Math.max(1, Math.min(10, left / 1000)));
            try {
                client.connect(options).waitForCompletion(left + 1000);
                break;
            } catch (MqttException e) {
                boolean refused = e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                        || e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED
                        || e.getReasonCode() == MqttException.REASON_CODE_INVALID_CLIENT_ID
                        || e.getReasonCode() == MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION;
                if (refused || System.nanoTime() + pause.toNanos() >= deadline) {
                    client.close(true);
                    throw e;
                }
                log.println("telemetry: broker " + settings.mqttUri() + " not reachable yet (" + e.getMessage() + "), trying again");
                Thread.sleep(pause.toMillis()); // back-off between connection attempts, bounded by the deadline
                pause = pause.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : pause.multipliedBy(2);
            }
        }
        try {
            client.subscribe(settings.inputTopic(), INPUT_QOS).waitForCompletion(10_000);
        } catch (MqttException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    private void subscribe() {
        try {
            client.subscribe(settings.inputTopic(), INPUT_QOS);
        } catch (MqttException e) {
            // the next reconnect subscribes again
        }
    }

    /** @return false when the client cannot take it now (not connected, too many in flight) */
    boolean publish(String topic, String json, int qos) {
        try {
            last = client.publish(topic, json.getBytes(StandardCharsets.UTF_8), qos, false);
            return true;
        } catch (MqttException e) {
            return false;
        }
    }

    /** Waits (bounded) until what was published went out, then disconnects. */
    @Override
    public void close() {
        try {
            IMqttDeliveryToken pending = last;
            if (pending != null && client.isConnected()) {
                pending.waitForCompletion(5_000);
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
