package io.hybridge.cloud.internal.link;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * {@link MqttLink} on Paho's MQTT 3.1.1 client (what Kapua speaks). Paho's own persistence is in
 * memory on purpose: the {@code MessageStore} is what makes messages durable, and it re-sends
 * what was in flight after a reconnect.
 */
final class Paho3Link implements MqttLink {

    private final LinkOptions options;
    private final MqttAsyncClient client;

    Paho3Link(LinkOptions options, Listener listener) throws LinkException {
        this.options = options;
        try {
            client = new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new LinkException(LinkException.Kind.OTHER, "cannot create an MQTT 3.1.1 client for "
                    + options.serverUri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                listener.connectionLost(cause);
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                listener.messageArrived(topic, message.getPayload(), message.getQos());
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
                // per-publish listeners report delivery
            }
        });
    }

    @Override
    public void connect() throws LinkException {
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        connect.setCleanSession(options.cleanSession());
        connect.setKeepAliveInterval(options.keepAliveSeconds());
        connect.setConnectionTimeout(options.connectTimeoutSeconds());
        connect.setAutomaticReconnect(false);
        connect.setMaxInflight(options.maxInflight());
        connect.setHttpsHostnameVerificationEnabled(options.hostnameVerification());
        if (options.username() != null) {
            connect.setUserName(options.username());
        }
        if (options.password() != null) {
            connect.setPassword(options.password());
        }
        if (options.socketFactory() != null) {
            connect.setSocketFactory(options.socketFactory());
        }
        connect.setWill(options.willTopic(), options.willPayload(), 1, false);
        try {
            client.connect(connect).waitForCompletion((options.connectTimeoutSeconds() + 5) * 1000L);
        } catch (MqttException e) {
            throw classify("connect to " + options.serverUri(), e);
        }
    }

    @Override
    public int brokerReceiveMaximum() {
        return Integer.MAX_VALUE;
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain, DeliveryCallback callback) {
        try {
            client.publish(topic, payload, qos, retain, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    callback.delivered();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable cause) {
                    callback.failed(cause);
                }
            });
        } catch (MqttException | RuntimeException e) {
            callback.failed(e);
        }
    }

    @Override
    public void subscribe(String topicFilter, int qos) throws LinkException {
        try {
            IMqttToken token = client.subscribe(topicFilter, qos);
            token.waitForCompletion(options.connectTimeoutSeconds() * 1000L);
            int[] granted = token.getGrantedQos();
            if (granted != null && granted.length > 0 && granted[0] == 0x80) {
                throw new LinkException(LinkException.Kind.AUTHENTICATION,
                        "the broker refused the subscription to " + topicFilter, null);
            }
        } catch (MqttException e) {
            throw classify("subscribe to " + topicFilter, e);
        }
    }

    @Override
    public void unsubscribe(String topicFilter) throws LinkException {
        try {
            client.unsubscribe(topicFilter).waitForCompletion(options.connectTimeoutSeconds() * 1000L);
        } catch (MqttException e) {
            throw classify("unsubscribe from " + topicFilter, e);
        }
    }

    @Override
    public void disconnect(long timeoutMillis) {
        try {
            if (client.isConnected()) {
                client.disconnect(timeoutMillis).waitForCompletion(timeoutMillis + 1000);
            }
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 1000);
            } catch (MqttException ignored) {
                // closing anyway
            }
        }
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(0, 1000, false);
            }
            client.close(true);
        } catch (MqttException ignored) {
            // nothing left to free
        }
    }

    private static LinkException classify(String action, MqttException e) {
        int code = e.getReasonCode();
        if (code == MqttException.REASON_CODE_FAILED_AUTHENTICATION
                || code == MqttException.REASON_CODE_NOT_AUTHORIZED
                || code == MqttException.REASON_CODE_INVALID_CLIENT_ID) {
            return new LinkException(LinkException.Kind.AUTHENTICATION, action + " refused by the broker: "
                    + describe(e) + " (MQTT 3.1.1 CONNACK " + code + ")", e);
        }
        if (code == MqttException.REASON_CODE_CLIENT_EXCEPTION || code == MqttException.REASON_CODE_SERVER_CONNECT_ERROR
                || code == MqttException.REASON_CODE_CONNECTION_LOST || code == MqttException.REASON_CODE_CLIENT_TIMEOUT
                || code == MqttException.REASON_CODE_BROKER_UNAVAILABLE || code == MqttException.REASON_CODE_SSL_CONFIG_ERROR) {
            return new LinkException(LinkException.Kind.NETWORK, action + " failed: " + describe(e), e);
        }
        return new LinkException(LinkException.Kind.OTHER, action + " failed: " + describe(e), e);
    }

    private static String describe(MqttException e) {
        String message = e.getMessage();
        Throwable cause = e.getCause();
        return cause == null ? message : message + ": " + cause;
    }
}
