package io.hybridge.broker.internal;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.bus.BusListener;
import io.hybridge.api.bus.BusMessage;
import io.hybridge.api.bus.LocalBus;

/**
 * One bus subscription: its filter, its listener and the queue of messages waiting for it.
 *
 * <p>Each subscription has its own bounded queue, drained by one task at a time on the bus's
 * shared delivery threads, so its listener sees messages one after another in arrival order,
 * and a slow listener fills only its own queue: beyond {@value #MAX_QUEUED_MESSAGES} messages or
 * {@value #MAX_QUEUED_BYTES} payload bytes its new messages are dropped (counted, logged once
 * per episode) instead of holding memory the gateway does not have. A drain delivers at most
 * {@value #BATCH} messages before it queues itself again, so busy subscriptions take turns.
 */
final class BusSubscription implements LocalBus.Subscription {

    static final int MAX_QUEUED_MESSAGES = 4096;
    static final long MAX_QUEUED_BYTES = 8L * 1024 * 1024;
    private static final int BATCH = 64;
    private static final Logger LOG = LoggerFactory.getLogger(BusSubscription.class);

    private final TopicFilter filter;
    private final BusListener listener;
    private final Executor delivery;
    private final Consumer<BusSubscription> onClose;

    // guarded by this
    private final ArrayDeque<BusMessage> queue = new ArrayDeque<>();
    private long queuedBytes;
    private boolean drainScheduled;
    private boolean closed;
    private long dropped;
    private boolean dropping;
    private long listenerFailures;

    BusSubscription(TopicFilter filter, BusListener listener, Executor delivery, Consumer<BusSubscription> onClose) {
        this.filter = filter;
        this.listener = listener;
        this.delivery = delivery;
        this.onClose = onClose;
    }

    boolean matches(String topic) {
        return filter.matches(topic);
    }

    /** Queues a message for the listener; never blocks. */
    void offer(BusMessage message) {
        synchronized (this) {
            if (closed) {
                return;
            }
            // an empty queue takes any one message, however large: it must be deliverable at all
            boolean full = queue.size() >= MAX_QUEUED_MESSAGES
                    || (!queue.isEmpty() && queuedBytes + message.payloadLength() > MAX_QUEUED_BYTES);
            if (full) {
                dropped++;
                if (!dropping) {
                    dropping = true;
                    LOG.warn("Bus subscription '{}' falls behind: its listener {} has {} messages ({} bytes) waiting;"
                            + " dropping new messages for it until it catches up", filter, listener, queue.size(),
                            queuedBytes);
                }
                return;
            }
            queue.add(message);
            queuedBytes += message.payloadLength();
            if (drainScheduled) {
                return;
            }
            drainScheduled = true;
        }
        scheduleDrain();
    }

    private void scheduleDrain() {
        try {
            delivery.execute(this::drain);
        } catch (RejectedExecutionException busClosed) {
            synchronized (this) {
                queue.clear();
                queuedBytes = 0;
                drainScheduled = false;
            }
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            BusMessage next;
            synchronized (this) {
                next = closed ? null : queue.poll();
                if (next == null) {
                    drainScheduled = false;
                    return;
                }
                queuedBytes -= next.payloadLength();
                if (dropping && queue.isEmpty()) {
                    dropping = false;
                    LOG.info("Bus subscription '{}' caught up; {} messages dropped for it so far", filter, dropped);
                }
            }
            deliver(next);
        }
        scheduleDrain(); // still scheduled: let other subscriptions have the thread, then go on
    }

    private void deliver(BusMessage message) {
        try {
            listener.onMessage(message);
        } catch (RuntimeException | LinkageError e) {
            long failures;
            synchronized (this) {
                failures = ++listenerFailures;
            }
            if (failures == 1) {
                LOG.warn("Bus listener {} of subscription '{}' failed on a message on '{}' (later failures are logged"
                        + " at DEBUG)", listener, filter, message.topic(), e);
            } else {
                LOG.debug("Bus listener {} of subscription '{}' failed ({} times) on '{}'", listener, filter, failures,
                        message.topic(), e);
            }
        }
    }

    @Override
    public String topicFilter() {
        return filter.pattern();
    }

    @Override
    public synchronized long droppedMessages() {
        return dropped;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            queuedBytes = 0;
        }
        onClose.accept(this);
    }

    @Override
    public String toString() {
        return "BusSubscription[" + filter + "]";
    }
}
