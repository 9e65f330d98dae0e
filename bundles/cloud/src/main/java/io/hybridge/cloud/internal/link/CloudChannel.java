package io.hybridge.cloud.internal.link;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.hybridge.api.cloud.CloudPublishException;
import io.hybridge.api.cloud.CloudPublisher;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.cloud.internal.payload.PayloadCodec;
import io.hybridge.cloud.internal.store.MessageStore;
import io.hybridge.cloud.internal.store.MessageStoreException;
import io.hybridge.cloud.internal.store.OutgoingMessage;
import io.hybridge.cloud.internal.store.StoreFullException;

/**
 * What publishers see of the cloud link (the {@link CloudPublisher} and {@link CloudDataChannel}
 * services): QoS 1 messages go into the {@link MessageStore} and are acknowledged once on disk;
 * the forwarder of the current connection takes them from there. QoS 0 messages go straight to
 * the connection or, when it is down, nowhere (counted), which is what QoS 0 promises.
 */
final class CloudChannel implements CloudPublisher, CloudDataChannel {

    /** A data subscription, kept across reconnects. */
    record DataSubscription(String app, String filter, String fullFilter, int qos, DataListener listener) {
    }

    private final KuraTopics topics;
    private final PayloadCodec codec;
    private final MessageStore store;
    private final Supplier<MqttLink> currentLink;
    private final Runnable storedSignal;
    private final Consumer<DataSubscription> subscriber;
    private final Consumer<DataSubscription> unsubscriber;
    private volatile Runnable birthRepublisher = () -> { };
    private final List<DataSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private final AtomicLong qos0Dropped = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    /**
     * @param currentLink  the connected link, or {@code null}
     * @param storedSignal called when a stored message became durable (wakes the forwarder)
     * @param subscriber   subscribes on the broker now if connected (the connection redoes it after reconnects)
     */
    CloudChannel(KuraTopics topics, PayloadCodec codec, MessageStore store, Supplier<MqttLink> currentLink,
            Runnable storedSignal, Consumer<DataSubscription> subscriber, Consumer<DataSubscription> unsubscriber) {
        this.topics = topics;
        this.codec = codec;
        this.store = store;
        this.currentLink = currentLink;
        this.storedSignal = storedSignal;
        this.subscriber = subscriber;
        this.unsubscriber = unsubscriber;
    }

    /** Set by the connection once it can publish lifecycle messages. */
    void birthRepublisher(Runnable republisher) {
        birthRepublisher = republisher;
    }

    @Override
    public void republishBirth() {
        birthRepublisher.run();
    }

    @Override
    public String accountName() {
        return topics.account();
    }

    @Override
    public String clientId() {
        return topics.clientId();
    }

    @Override
    public boolean isConnected() {
        MqttLink link = currentLink.get();
        return link != null && link.isConnected();
    }

    @Override
    public CompletionStage<Void> publish(String appId, String topic, KuraPayload payload, int qos, int priority) {
        if (payload == null) {
            return CompletableFuture.failedFuture(new CloudPublishException("no payload given for " + appId + "/" + topic));
        }
        return publishData(appId, topic, codec.encode(payload), qos, priority);
    }

    @Override
    public CompletionStage<Void> notify(String requesterClientId, String appId, String type, KuraPayload payload) {
        String topic;
        try {
            topic = topics.notification(requesterClientId, appId, type);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new CloudPublishException(e.getMessage(), e));
        }
        return send(topic, codec.encode(payload), 1, PRIORITY_REPLY);
    }

    @Override
    public CompletionStage<Void> publishData(String appId, String topic, byte[] payload, int qos, int priority) {
        String fullTopic;
        try {
            if (topic == null || topic.isEmpty() || topic.contains("+") || topic.contains("#")) {
                throw new IllegalArgumentException("topic '" + topic + "' must be a non-empty topic without wildcards");
            }
            fullTopic = topics.data(appId, topic);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new CloudPublishException(e.getMessage(), e));
        }
        return send(fullTopic, payload, qos, priority);
    }

    /** Sends on a full topic; replies, notifications and data all end here. */
    CompletionStage<Void> send(String fullTopic, byte[] payload, int qos, int priority) {
        if (qos < 0 || qos > 2) {
            return CompletableFuture.failedFuture(new CloudPublishException("qos " + qos + " for " + fullTopic
                    + " is not valid; expected 0 or 1 (2 is sent as 1)"));
        }
        if (priority < PRIORITY_LIFECYCLE || priority > PRIORITY_LOWEST) {
            return CompletableFuture.failedFuture(new CloudPublishException("priority " + priority + " for " + fullTopic
                    + " is not valid; expected " + PRIORITY_LIFECYCLE + ".." + PRIORITY_LOWEST));
        }
        return qos == 0 ? sendDirect(fullTopic, payload) : sendStored(fullTopic, payload, priority);
    }

    private CompletionStage<Void> sendDirect(String fullTopic, byte[] payload) {
        MqttLink link = currentLink.get();
        if (link == null || !link.isConnected()) {
            qos0Dropped.incrementAndGet();
            return CompletableFuture.failedFuture(new CloudPublishException("the cloud link is down; a QoS 0 message"
                    + " on " + fullTopic + " is not stored (publish at QoS 1 to have it kept)"));
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        link.publish(fullTopic, payload, 0, false, new MqttLink.DeliveryCallback() {
            @Override
            public void delivered() {
                sent.complete(null);
            }

            @Override
            public void failed(Throwable cause) {
                qos0Dropped.incrementAndGet();
                sent.completeExceptionally(new CloudPublishException("QoS 0 message on " + fullTopic
                        + " was not sent: " + cause.getMessage(), cause));
            }
        });
        return sent;
    }

    private CompletionStage<Void> sendStored(String fullTopic, byte[] payload, int priority) {
        try {
            return store.appendAsync(new OutgoingMessage(fullTopic, payload, 1, false, priority, Instant.now()))
                    .handle((stored, failure) -> {
                        if (failure != null) {
                            throw new CloudPublishException("message on " + fullTopic + " was not stored: "
                                    + failure.getMessage(), failure);
                        }
                        storedSignal.run();
                        return null;
                    });
        } catch (StoreFullException e) {
            refused.incrementAndGet();
            return CompletableFuture.failedFuture(new CloudPublishException(e.getMessage(), e));
        } catch (MessageStoreException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new CloudPublishException("message on " + fullTopic
                    + " was not stored: " + e.getMessage(), e));
        }
    }

    @Override
    public Subscription subscribeData(String appId, String topicFilter, int qos, DataListener listener) {
        TopicMatcher.requireValidFilter(topicFilter);
        DataSubscription subscription = new DataSubscription(appId, topicFilter, topics.data(appId, topicFilter),
                Math.min(Math.max(qos, 0), 1), listener);
        subscriptions.add(subscription);
        subscriber.accept(subscription);
        return () -> {
            if (subscriptions.remove(subscription)) {
                unsubscriber.accept(subscription);
            }
        };
    }

    List<DataSubscription> subscriptions() {
        return subscriptions;
    }

    /** A data message from the broker: hand it to every matching subscription. */
    boolean deliverData(String topic, byte[] payload) {
        boolean matched = false;
        for (DataSubscription subscription : subscriptions) {
            if (TopicMatcher.matches(subscription.fullFilter(), topic)) {
                String resource = topics.dataResource(subscription.app(), topic);
                subscription.listener().onMessage(resource, payload);
                matched = true;
            }
        }
        return matched;
    }

    long qos0Dropped() {
        return qos0Dropped.get();
    }

    long refused() {
        return refused.get();
    }
}
