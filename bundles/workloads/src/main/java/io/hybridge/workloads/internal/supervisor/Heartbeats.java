package io.hybridge.workloads.internal.supervisor;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.bus.LocalBus;

/**
 * When each watched heartbeat topic last carried a message, from in-process subscriptions on
 * the local bus. Subscriptions follow the bus service: made when a topic is first watched or the
 * bus (re)appears, dropped when it goes.
 */
final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private final Clock clock;
    private final Map<String, Instant> lastSeen = new ConcurrentHashMap<>();
    private final Map<String, LocalBus.Subscription> subscriptions = new ConcurrentHashMap<>();
    private volatile LocalBus bus;

    Heartbeats(Clock clock) {
        this.clock = clock;
    }

    /** @return when a message last arrived on the topic, or null; starts watching it */
    Instant lastSeen(String topic) {
        if (!subscriptions.containsKey(topic)) {
            subscribe(topic);
        }
        return lastSeen.get(topic);
    }

    synchronized void unwatch(String topic) {
        LocalBus.Subscription subscription = subscriptions.remove(topic);
        if (subscription != null) {
            subscription.close();
        }
        lastSeen.remove(topic);
    }

    synchronized void busAppeared(LocalBus appeared) {
        bus = appeared;
        for (String topic : java.util.List.copyOf(subscriptions.keySet())) {
            subscriptions.remove(topic);
            subscribe(topic);
        }
    }

    synchronized void busGone() {
        bus = null;
        // keep the topics (closed subscriptions stay as markers of what to resubscribe)
        subscriptions.replaceAll((topic, subscription) -> {
            subscription.close();
            return CLOSED;
        });
    }

    synchronized void close() {
        subscriptions.values().forEach(LocalBus.Subscription::close);
        subscriptions.clear();
    }

    private synchronized void subscribe(String topic) {
        LocalBus current = bus;
        if (current == null) {
            subscriptions.put(topic, CLOSED);
            return;
        }
        try {
            subscriptions.put(topic, current.subscribe(topic, message -> lastSeen.put(topic, clock.instant())));
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat topic '{}' cannot be watched: {}", topic, e.getMessage());
            subscriptions.put(topic, CLOSED);
        }
    }

    private static final LocalBus.Subscription CLOSED = new LocalBus.Subscription() {
        @Override
        public String topicFilter() {
            return "";
        }

        @Override
        public long droppedMessages() {
            return 0;
        }

        @Override
        public void close() {
        }
    };
}
