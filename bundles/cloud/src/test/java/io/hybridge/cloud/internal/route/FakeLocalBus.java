package io.hybridge.cloud.internal.route;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import io.hybridge.api.bus.BusListener;
import io.hybridge.api.bus.BusMessage;
import io.hybridge.api.bus.LocalBus;

/** A local bus that records subscriptions and publishes; tests deliver messages by hand. */
final class FakeLocalBus implements LocalBus {

    record Published(String topic, byte[] payload, int qos, boolean retain) {
    }

    final List<FakeSubscription> subscriptions = new CopyOnWriteArrayList<>();
    final List<Published> published = new CopyOnWriteArrayList<>();
    /** When set, subscribing fails with it, as on a bus whose broker stopped. */
    volatile RuntimeException refuseSubscriptions;

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        published.add(new Published(topic, payload.clone(), qos, retain));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Subscription subscribe(String topicFilter, BusListener listener) {
        if (refuseSubscriptions != null) {
            throw refuseSubscriptions;
        }
        FakeSubscription subscription = new FakeSubscription(topicFilter, listener);
        subscriptions.add(subscription);
        return subscription;
    }

    /** Hands a message to every open subscription, as the bus's delivery thread would. */
    void deliver(BusMessage message) {
        for (FakeSubscription subscription : subscriptions) {
            if (!subscription.closed) {
                subscription.listener.onMessage(message);
            }
        }
    }

    final class FakeSubscription implements Subscription {
        final String filter;
        final BusListener listener;
        volatile boolean closed;

        FakeSubscription(String filter, BusListener listener) {
            this.filter = filter;
            this.listener = listener;
        }

        @Override
        public String topicFilter() {
            return filter;
        }

        @Override
        public long droppedMessages() {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
