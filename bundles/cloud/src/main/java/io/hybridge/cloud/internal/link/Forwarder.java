package io.hybridge.cloud.internal.link;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.cloud.internal.store.MessageStore;
import io.hybridge.cloud.internal.store.OutgoingMessage;
import io.hybridge.cloud.internal.store.StoredMessage;

/**
 * Moves stored messages to the broker while one connection lasts: takes the next messages in
 * delivery order, keeps at most {@code window} of them in flight, and deletes each from the store
 * only when the broker acknowledged it. A connection loss leaves the unacknowledged ones in the
 * store; the next forwarder (after the reconnect) sends them again, in their original order.
 *
 * <p>One thread per connection; it sleeps until an append becomes durable or an acknowledgement
 * frees room in the window ({@link #wake()}).
 */
final class Forwarder implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    /** Paho's client code for "too many in flight" (3.1.1 and 5 alike): hand the message back, try later. */
    private static final int MAX_INFLIGHT_REASON = 32202;

    private final MessageStore store;
    private final MqttLink link;
    private final int window;
    private final ForwarderStats stats;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object signal = new Object();
    private volatile boolean running = true;
    private boolean wakeRequested;

    Forwarder(MessageStore store, MqttLink link, int window, ForwarderStats stats) {
        this.store = store;
        this.link = link;
        this.window = Math.max(1, Math.min(window, link.brokerReceiveMaximum()));
        this.stats = stats;
    }

    /** New durable messages or room in the window: look again. Cheap; called often. */
    void wake() {
        synchronized (signal) {
            wakeRequested = true;
            signal.notifyAll();
        }
    }

    void stop() {
        running = false;
        wake();
    }

    int inFlight() {
        return inFlight.get();
    }

    @Override
    public void run() {
        // Refill in batches of a quarter window: peek() walks past the messages in flight, so
        // asking for one message per acknowledgement would cost a walk each time.
        int batch = Math.max(1, window / 4);
        while (running && link.isConnected()) {
            int free = window - inFlight.get();
            List<StoredMessage> next = free >= batch || inFlight.get() == 0 ? store.peek(free) : List.of();
            if (next.isEmpty()) {
                awaitWake();
                continue;
            }
            for (StoredMessage stored : next) {
                if (!running || !store.markInFlight(stored.id())) {
                    continue;
                }
                inFlight.incrementAndGet();
                send(stored);
            }
        }
    }

    private void awaitWake() {
        synchronized (signal) {
            while (running && !wakeRequested) {
                try {
                    signal.wait(1000); // also notices a link that dropped without telling us
                    if (!link.isConnected()) {
                        return;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    running = false;
                    return;
                }
            }
            wakeRequested = false;
        }
    }

    private void send(StoredMessage stored) {
        OutgoingMessage message = stored.message();
        link.publish(message.topic(), message.payload(), Math.min(message.qos(), 1), message.retain(),
                new MqttLink.DeliveryCallback() {
                    @Override
                    public void delivered() {
                        store.acknowledged(stored.id());
                        stats.delivered.incrementAndGet();
                        settle();
                    }

                    @Override
                    public void failed(Throwable cause) {
                        if (cause instanceof BrokerRejection) {
                            // the same message would be refused again: remove it, loudly
                            store.acknowledged(stored.id());
                            stats.rejected.incrementAndGet();
                            LOG.error("Cloud broker refused a stored message; it is removed and counted: {}",
                                    cause.getMessage());
                        } else if (isWindowFull(cause)) {
                            store.releaseInFlight(stored.id());
                        }
                        // otherwise the connection is going away: the message stays in the store
                        // and the reconnect releases it
                        settle();
                    }
                });
    }

    private void settle() {
        inFlight.decrementAndGet();
        wake();
    }

    private static boolean isWindowFull(Throwable cause) {
        if (cause instanceof org.eclipse.paho.client.mqttv3.MqttException e3) {
            return e3.getReasonCode() == MAX_INFLIGHT_REASON;
        }
        if (cause instanceof org.eclipse.paho.mqttv5.common.MqttException e5) {
            return e5.getReasonCode() == MAX_INFLIGHT_REASON;
        }
        return false;
    }

    /** Counters that outlive one connection. */
    static final class ForwarderStats {
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong rejected = new AtomicLong();
    }
}
