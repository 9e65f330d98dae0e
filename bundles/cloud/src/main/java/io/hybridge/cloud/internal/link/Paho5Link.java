package io.hybridge.cloud.internal.link;

import java.nio.charset.StandardCharsets;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * {@link MqttLink} on Paho's MQTT 5 client. Same contract as {@link Paho3Link}; MQTT 5 adds
 * reason codes on PUBACK, so a publish the broker refuses is reported as a
 * {@link BrokerRejection} instead of vanishing.
 */
final class Paho5Link implements MqttLink {

    /** Session kept this long after a disconnect when clean sessions are off (MQTT 5 needs a value). */
    private static final long PERSISTENT_SESSION_SECONDS = 7 * 24 * 3600L;

    private final LinkOptions options;
    private final MqttAsyncClient client;
    private volatile int brokerReceiveMaximum = 65535;

    Paho5Link(LinkOptions options, Listener listener) throws LinkException {
        this.options = options;
        try {
            client = new MqttAsyncClient(options.serverUri(), options.clientId(), new MemoryPersistence());
        } catch (MqttException | IllegalArgumentException e) {
            throw new LinkException(LinkException.Kind.OTHER, "cannot create an MQTT 5 client for "
                    + options.serverUri() + ": " + e.getMessage(), e);
        }
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse response) {
                listener.connectionLost(response.getException() != null ? response.getException()
                        : new IllegalStateException("the broker disconnected: reason code 0x"
                                + Integer.toHexString(response.getReturnCode())
                                + (response.getReasonString() == null ? "" : " " + response.getReasonString())));
            }

            @Override
            public void mqttErrorOccurred(MqttException exception) {
                // protocol errors end in disconnected(), which reports them
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                listener.messageArrived(topic, message.getPayload(), message.getQos());
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
                // per-publish listeners report delivery
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                // connect() waits for the token
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
                // no enhanced authentication
            }
        });
    }

    @Override
    public void connect() throws LinkException {
        MqttConnectionOptions connect = new MqttConnectionOptions();
        connect.setCleanStart(options.cleanSession());
        if (!options.cleanSession()) {
            connect.setSessionExpiryInterval(PERSISTENT_SESSION_SECONDS);
        }
        connect.setKeepAliveInterval(options.keepAliveSeconds());
        connect.setConnectionTimeout(options.connectTimeoutSeconds());
        connect.setAutomaticReconnect(false);
        connect.setHttpsHostnameVerificationEnabled(options.hostnameVerification());
        if (options.username() != null) {
            connect.setUserName(options.username());
        }
        if (options.password() != null) {
            connect.setPassword(new String(options.password()).getBytes(StandardCharsets.UTF_8));
        }
        if (options.socketFactory() != null) {
            connect.setSocketFactory(options.socketFactory());
        }
        MqttMessage will = new MqttMessage(options.willPayload());
        will.setQos(1);
        will.setRetained(false);
        connect.setWill(options.willTopic(), will);
        try {
            IMqttToken token = client.connect(connect);
            token.waitForCompletion((options.connectTimeoutSeconds() + 5) * 1000L);
            MqttProperties connack = token.getResponseProperties();
            Integer receiveMaximum = connack == null ? null : connack.getReceiveMaximum();
            brokerReceiveMaximum = receiveMaximum == null || receiveMaximum <= 0 ? 65535 : receiveMaximum;
        } catch (MqttException e) {
            throw classify("connect to " + options.serverUri(), e);
        }
    }

    @Override
    public int brokerReceiveMaximum() {
        return brokerReceiveMaximum;
    }

    @Override
    public boolean isConnected() {
        return client.isConnected();
    }

    @Override
    public void publish(String topic, byte[] payload, int qos, boolean retain, DeliveryCallback callback) {
        try {
            client.publish(topic, payload, qos, retain, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    int[] codes = token.getReasonCodes();
                    if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                        callback.failed(new BrokerRejection(topic, codes[0]));
                    } else {
                        callback.delivered();
                    }
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
            int[] codes = token.getReasonCodes();
            if (codes != null && codes.length > 0 && codes[0] >= 0x80) {
                throw new LinkException(LinkException.Kind.AUTHENTICATION, "the broker refused the subscription to "
                        + topicFilter + " with reason code 0x" + Integer.toHexString(codes[0]), null);
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
                client.disconnectForcibly(0, 1000, false);
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
        // CONNACK reason codes of MQTT 5: 0x85 client id not valid, 0x86 bad user name or password,
        // 0x87 not authorised, 0x8A banned, 0x8C bad authentication method
        if (code == 0x85 || code == 0x86 || code == 0x87 || code == 0x8A || code == 0x8C) {
            return new LinkException(LinkException.Kind.AUTHENTICATION, action + " refused by the broker: "
                    + e.getMessage() + " (MQTT 5 reason code 0x" + Integer.toHexString(code) + ")", e);
        }
        if (code == MqttException.REASON_CODE_CLIENT_EXCEPTION
                || code == MqttClientException.REASON_CODE_SERVER_CONNECT_ERROR
                || code == MqttClientException.REASON_CODE_CONNECTION_LOST
                || code == MqttClientException.REASON_CODE_CLIENT_TIMEOUT
                || code == MqttClientException.REASON_CODE_SSL_CONFIG_ERROR || code == 0x88 || code == 0x89) {
            return new LinkException(LinkException.Kind.NETWORK, action + " failed: " + e.getMessage()
                    + (e.getCause() == null ? "" : ": " + e.getCause()), e);
        }
        return new LinkException(LinkException.Kind.OTHER, action + " failed: " + e.getMessage()
                + (e.getCause() == null ? "" : ": " + e.getCause()), e);
    }
}
