package io.hybridge.cloud.internal.link;

import java.util.concurrent.CompletionStage;

/**
 * The cloud connection's data topics ({@code <account>/<client-id>/<app-id>/<topic>}) for this
 * bundle's own users (sensor routes) that carry raw bytes rather than a KuraPayload. Registered
 * as a service by the cloud connection under this internal type; never exported.
 */
public interface CloudDataChannel {

    /**
     * Publishes raw bytes on {@code <account>/<client-id>/<appId>/<topic>}; completion as in
     * {@link io.hybridge.api.cloud.CloudPublisher#publish}.
     */
    CompletionStage<Void> publishData(String appId, String topic, byte[] payload, int qos, int priority);

    /**
     * Subscribes to {@code <account>/<client-id>/<appId>/<topicFilter>} on the cloud broker, now
     * and after every reconnect, until the returned handle is closed.
     */
    Subscription subscribeData(String appId, String topicFilter, int qos, DataListener listener);

    /** Receives cloud messages; {@code topic} is the part after {@code <app-id>/}. */
    @FunctionalInterface
    interface DataListener {
        void onMessage(String topic, byte[] payload);
    }

    /** An active subscription. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
