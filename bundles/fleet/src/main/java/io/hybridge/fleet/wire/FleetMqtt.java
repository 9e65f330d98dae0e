package io.hybridge.fleet.wire;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

import io.hybridge.api.cloud.KuraPayload;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet manager's one MQTT connection (Paho 3.1.1). It subscribes to what the manager reads
 * — lifecycle messages of every gateway and the replies and notifications addressed to the
 * manager's client id — and hands decoded payloads to its listeners on Paho's callback thread,
 * which they must not block.
 */
public final class FleetMqtt implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetMqtt.class);

    private final MqttSettings settings;
    private final MqttAsyncClient client;
    private final List<String> filters;
    private final List<BiConsumer<EdcTopic, KuraPayload>> listeners = new CopyOnWriteArrayList<>();

    public FleetMqtt(MqttSettings settings) {
        this.settings = settings;
        this.filters = List.of(
                EdcTopic.PREFIX + "/+/+/MQTT/BIRTH",
                EdcTopic.PREFIX + "/+/+/MQTT/DC",
                EdcTopic.PREFIX + "/+/+/MQTT/LWT",
                EdcTopic.PREFIX + "/+/" + settings.clientId() + "/" + DeployV2.APP + "/REPLY/+",
                EdcTopic.PREFIX + "/+/" + settings.clientId() + "/" + DeployV2.APP + "/NOTIFY/+/+");
        try {
            this.client = new MqttAsyncClient(settings.uri(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("cannot create an MQTT client for " + settings.uri() + ": " + e.getMessage(), e);
        }
    }

    public String clientId() {
        return settings.clientId();
    }

    public void addListener(BiConsumer<EdcTopic, KuraPayload> listener) {
        listeners.add(listener);
    }

    /** Connects and subscribes; waits up to 30 s. */
    public void connect() throws MqttException {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setAutomaticReconnect(true);
        options.setMaxInflight(2000); // a wave sends one request per gateway at once
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(15);
        if (settings.username() != null) {
            options.setUserName(settings.username());
            options.setPassword(settings.password() == null ? new char[0] : settings.password().toCharArray());
        }
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    subscribe(); // the broker may have lost the session (persistence off)
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                LOG.warn("lost the connection to {}: {}; reconnecting", settings.uri(), cause.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                dispatch(topic, message.getPayload());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        client.connect(options).waitForCompletion(30_000);
        subscribe();
    }

    private void subscribe() {
        try {
            int[] qos = new int[filters.size()];
            java.util.Arrays.fill(qos, 1);
            client.subscribe(filters.toArray(String[]::new), qos).waitForCompletion(30_000);
        } catch (MqttException e) {
            LOG.warn("cannot subscribe to {}: {}", filters, e.toString());
        }
    }

    private void dispatch(String topic, byte[] bytes) {
        EdcTopic edc = EdcTopic.parse(topic);
        if (edc == null) {
            return;
        }
        KuraPayload payload;
        try {
            payload = KuraCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            LOG.warn("ignoring an undecodable payload on {}: {}", topic, e.getMessage());
            return;
        }
        for (BiConsumer<EdcTopic, KuraPayload> listener : listeners) {
            try {
                listener.accept(edc, payload);
            } catch (RuntimeException e) {
                LOG.warn("listener failed on {}: {}", topic, e.toString(), e);
            }
        }
    }

    public void publish(String topic, KuraPayload payload) throws MqttException {
        client.publish(topic, KuraCodec.encode(payload), 1, false);
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(2_000).waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.debug("disconnect: {}", e.toString());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("close: {}", e.toString());
        }
    }
}
