package io.hybridge.broker.internal;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.hybridge.api.bus.BusListener;
import io.hybridge.api.bus.BusMessage;
import io.hybridge.api.bus.LocalBus;
import io.moquette.broker.RoutingResults;
import io.moquette.broker.Server;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;

/**
 * The {@link LocalBus} of one running Moquette: what MQTT clients publish arrives through
 * {@link BusInterceptor}; what is published here goes to Moquette's subscribers through
 * {@link Server#internalPublish} and to the bus's own subscriptions directly (Moquette does not
 * show internal publishes to interceptors). It lives and dies with its broker: after
 * {@link #close()} publishes fail and subscriptions receive nothing.
 *
 * <p>Listeners and the completion of publish stages run on {@value #DELIVERY_THREADS} bus
 * threads, never on Moquette's: its interceptor thread and session loops only copy and queue.
 * Two threads let one slow listener not stall all others, and cost little on a two-core board.
 */
final class MoquetteBus implements LocalBus {

    static final int DELIVERY_THREADS = 2;

    private final Server server;
    private final BusInterceptor interceptor = new BusInterceptor(this);
    private final List<BusSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final ExecutorService delivery;
    /** Publishes not yet settled: a stopping broker may never finish routing them. */
    private final Set<CompletableFuture<Void>> unsettled = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    MoquetteBus(Server server) {
        this.server = server;
        AtomicInteger threads = new AtomicInteger();
        this.delivery = Executors.newFixedThreadPool(DELIVERY_THREADS, task -> {
            Thread thread = new Thread(task, "hybridge-bus-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** What Moquette must be started with for MQTT clients' messages to reach the bus. */
    BusInterceptor interceptor() {
        return interceptor;
    }

    @Override
    public CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
        if (!TopicFilter.isTopicName(topic)) {
            throw new IllegalArgumentException("cannot publish on '" + topic
                    + "': a topic name must not be empty and must not contain '+', '#' or NUL, e.g. 'sensors/s1/temperature'");
        }
        if (qos < 0 || qos > 2) {
            throw new IllegalArgumentException("cannot publish on '" + topic + "' with qos " + qos + "; expected 0, 1 or 2");
        }
        Objects.requireNonNull(payload, "payload");
        if (closed) {
            return CompletableFuture.failedFuture(notRunning(topic));
        }
        byte[] bytes = payload.clone(); // the broker's queues and retained store read it later
        RoutingResults routing;
        try {
            // Moquette releases the buffer itself once routed; the retained store copies the bytes
            routing = server.internalPublish(message(topic, bytes, qos, retain), BUS_CLIENT_ID);
        } catch (IllegalStateException stopped) {
            return CompletableFuture.failedFuture(notRunning(topic));
        }
        dispatch(new BusMessage(topic, bytes, qos, retain, BUS_CLIENT_ID));
        CompletableFuture<Void> published = new CompletableFuture<>();
        unsettled.add(published);
        published.whenComplete((ignored, error) -> unsettled.remove(published));
        if (closed) { // closed meanwhile: close() may have missed this one
            published.completeExceptionally(notRunning(topic));
        }
        // the routing future completes on a Moquette session loop: hop to a bus thread before
        // anything of the caller's runs
        routing.completableFuture().whenComplete((ignored, error) -> {
            try {
                delivery.execute(() -> settle(published, routing, error, topic));
            } catch (RejectedExecutionException busClosed) {
                published.completeExceptionally(notRunning(topic));
            }
        });
        return published;
    }

    private static void settle(CompletableFuture<Void> published, RoutingResults routing, Throwable error, String topic) {
        if (error != null) {
            published.completeExceptionally(new IllegalStateException("the local broker failed to route the message on '"
                    + topic + "': " + error.getMessage(), error));
        } else if (!routing.isAllSuccess()) {
            published.completeExceptionally(new IllegalStateException("the local broker refused the message on '"
                    + topic + "' for some subscribers: their session queues are full"));
        } else {
            published.complete(null);
        }
    }

    private static MqttPublishMessage message(String topic, byte[] bytes, int qos, boolean retain) {
        return MqttMessageBuilders.publish()
                .topicName(topic)
                .qos(MqttQoS.valueOf(qos))
                .retained(retain)
                .payload(Unpooled.wrappedBuffer(bytes))
                .build();
    }

    private static IllegalStateException notRunning(String topic) {
        return new IllegalStateException("cannot publish on '" + topic + "': the local broker is not running");
    }

    @Override
    public Subscription subscribe(String topicFilter, BusListener listener) {
        Objects.requireNonNull(listener, "listener");
        TopicFilter filter = TopicFilter.parse(topicFilter);
        if (closed) {
            throw new IllegalStateException("cannot subscribe to '" + topicFilter + "': the local broker has stopped");
        }
        BusSubscription subscription = new BusSubscription(filter, listener, delivery, subscriptions::remove);
        subscriptions.add(subscription);
        return subscription;
    }

    boolean hasSubscriptions() {
        return !subscriptions.isEmpty();
    }

    /** A message an MQTT client published; called on Moquette's interceptor thread. */
    void receivedFromClient(String topic, byte[] payload, int qos, boolean retain, String clientId) {
        dispatch(new BusMessage(topic, payload, qos, retain, clientId == null ? "" : clientId));
    }

    private void dispatch(BusMessage message) {
        for (BusSubscription subscription : subscriptions) {
            if (subscription.matches(message.topic())) {
                subscription.offer(message);
            }
        }
    }

    int subscriptionCount() {
        return subscriptions.size();
    }

    /**
     * The broker stops: subscriptions end (queued messages are dropped, a delivery under way
     * finishes), publishes fail, and so do those the broker had not finished routing.
     */
    void close() {
        closed = true;
        subscriptions.forEach(BusSubscription::close);
        subscriptions.clear();
        delivery.shutdown();
        for (CompletableFuture<Void> published : unsettled) {
            published.completeExceptionally(new IllegalStateException("the local broker stopped before it had"
                    + " handed the message to every subscriber"));
        }
    }
}
