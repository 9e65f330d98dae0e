package io.hybridge.cloud.internal.route;

import java.time.Clock;
import java.util.List;

import io.hybridge.api.bus.BusListener;
import io.hybridge.api.bus.BusMessage;
import io.hybridge.api.bus.LocalBus;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.cloud.internal.link.CloudDataChannel;
import io.hybridge.cloud.internal.payload.PayloadCodec;
import io.hybridge.cloud.internal.route.WindowAggregator.Aggregate;

/**
 * Local bus to cloud: each message on the route's local filter passes the rate limit, gets its
 * cloud topic from the template, and goes to the cloud as a KuraPayload with the local bytes as
 * body (or raw), or, on an aggregating route, is counted into its topic's window. Runs on a bus
 * thread and never blocks it: sends go through the {@link Outbox}.
 */
final class ToCloudFlow implements Flow, BusListener {

    private final RouteSettings settings;
    private final LocalBus bus;
    private final CloudDataChannel cloud;
    private final Clock clock;
    private final RouteCounters counters;
    private final RouteLog log;
    private final PayloadCodec codec;
    private final TokenBucket rateLimit;
    private final Outbox outbox;
    /** Null unless the route aggregates. */
    private final WindowAggregator aggregator;
    private LocalBus.Subscription subscription;

    ToCloudFlow(RouteSettings settings, LocalBus bus, CloudDataChannel cloud, Clock clock, RouteCounters counters,
            RouteLog log, Outbox outbox) {
        this.settings = settings;
        this.bus = bus;
        this.cloud = cloud;
        this.clock = clock;
        this.counters = counters;
        this.log = log;
        this.codec = settings.encoding().codec();
        this.rateLimit = new TokenBucket(settings.ratePerSecond(), clock::millis);
        this.outbox = outbox;
        this.aggregator = settings.aggregates() ? new WindowAggregator(settings.aggregationWindow()) : null;
    }

    @Override
    public void start() {
        subscription = bus.subscribe(settings.localTopic(), this);
    }

    @Override
    public void onMessage(BusMessage message) {
        counters.received.increment();
        log.maybeSummarize(counters);
        if (!rateLimit.tryTake()) {
            counters.droppedByRateLimit.increment();
            return;
        }
        String cloudTopic = settings.template().cloudTopic(message.topic());
        if (cloudTopic == null) {
            reject(message.topic(), "cloud.topic '" + settings.template() + "' gives an empty topic for it");
            return;
        }
        if (aggregator != null) {
            aggregate(message);
            return;
        }
        byte[] bytes = settings.format() == PayloadFormat.RAW
                ? message.payload()
                : codec.encode(KuraPayload.builder().timestamp(clock.instant()).body(message.payload()).build());
        send(cloudTopic, bytes);
    }

    private void aggregate(BusMessage message) {
        try {
            double reading = NumericPayload.parse(message.payload());
            sendAll(aggregator.add(message.topic(), reading, clock.millis()));
        } catch (RejectedMessageException e) {
            reject(message.topic(), e.getMessage());
        }
    }

    /** Sends the windows that have ended; the route's timer calls it at each window boundary. */
    void closeDueWindows() {
        if (aggregator != null) {
            sendAll(aggregator.closeDue(clock.millis()));
        }
    }

    /** When the window open now ends, or -1 when the route does not aggregate. */
    long nextWindowBoundary() {
        return aggregator == null ? -1 : aggregator.nextBoundary(clock.millis());
    }

    private void sendAll(List<Aggregate> aggregates) {
        for (Aggregate aggregate : aggregates) {
            send(settings.template().cloudTopic(aggregate.topic()), codec.encode(aggregate.toPayload()));
        }
    }

    private void send(String cloudTopic, byte[] bytes) {
        outbox.send(() -> cloud.publishData(settings.cloudApp(), cloudTopic, bytes, settings.qos(), settings.priority()));
    }

    private void reject(String topic, String reason) {
        counters.rejected.increment();
        log.rejected(topic, reason);
    }

    /** Windows still open, whose readings are discarded when the route stops. */
    int openWindows() {
        return aggregator == null ? 0 : aggregator.openWindows();
    }

    @Override
    public int inFlight() {
        return outbox.inFlight();
    }

    @Override
    public void close() {
        if (subscription != null) {
            subscription.close();
        }
    }
}
