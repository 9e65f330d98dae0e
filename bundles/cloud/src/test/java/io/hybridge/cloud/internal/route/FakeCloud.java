package io.hybridge.cloud.internal.route;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.hybridge.cloud.internal.link.CloudDataChannel;

/**
 * A cloud data channel that records what routes publish and subscribe. Publishes complete at
 * once unless a test supplies its own stages (to hold them in flight or fail them).
 */
final class FakeCloud implements CloudDataChannel {

    record Published(String appId, String topic, byte[] payload, int qos, int priority) {
    }

    record Subscribed(String appId, String filter, int qos, DataListener listener, boolean[] closed) {
    }

    final List<Published> published = new CopyOnWriteArrayList<>();
    final List<Subscribed> subscriptions = new CopyOnWriteArrayList<>();
    volatile Supplier<CompletableFuture<Void>> outcome = () -> CompletableFuture.completedFuture(null);

    @Override
    public CompletionStage<Void> publishData(String appId, String topic, byte[] payload, int qos, int priority) {
        published.add(new Published(appId, topic, payload.clone(), qos, priority));
        return outcome.get();
    }

    @Override
    public Subscription subscribeData(String appId, String topicFilter, int qos, DataListener listener) {
        boolean[] closed = {false};
        subscriptions.add(new Subscribed(appId, topicFilter, qos, listener, closed));
        return () -> closed[0] = true;
    }

    /** A cloud message arriving on every open subscription. */
    void arrive(String topic, byte[] payload) {
        for (Subscribed subscription : subscriptions) {
            if (!subscription.closed[0]) {
                subscription.listener.onMessage(topic, payload);
            }
        }
    }
}
