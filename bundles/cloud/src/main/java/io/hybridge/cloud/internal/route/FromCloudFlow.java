package io.hybridge.cloud.internal.route;

import java.time.Clock;

import io.hybridge.api.bus.LocalBus;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.cloud.internal.link.CloudDataChannel;
import io.hybridge.cloud.internal.payload.PayloadCodec;
import io.hybridge.cloud.internal.payload.PayloadException;

/**
 * Cloud to local bus: each message on the route's cloud filter passes the rate limit, is
 * unwrapped (the KuraPayload's body) or passed raw, and is published on the local bus under the
 * route's prefix: cloud topic {@code commands/fan} with prefix {@code cloud} becomes
 * {@code cloud/commands/fan}. Not retained. Runs on the cloud connection's thread and never
 * blocks it.
 */
final class FromCloudFlow implements Flow, CloudDataChannel.DataListener {

    private final RouteSettings settings;
    private final LocalBus bus;
    private final CloudDataChannel cloud;
    private final RouteCounters counters;
    private final RouteLog log;
    private final PayloadCodec codec;
    private final TokenBucket rateLimit;
    private final Outbox outbox;
    private CloudDataChannel.Subscription subscription;

    FromCloudFlow(RouteSettings settings, LocalBus bus, CloudDataChannel cloud, Clock clock, RouteCounters counters,
            RouteLog log, Outbox outbox) {
        this.settings = settings;
        this.bus = bus;
        this.cloud = cloud;
        this.counters = counters;
        this.log = log;
        this.codec = settings.encoding().codec();
        this.rateLimit = new TokenBucket(settings.ratePerSecond(), clock::millis);
        this.outbox = outbox;
    }

    @Override
    public void start() {
        subscription = cloud.subscribeData(settings.cloudApp(), settings.cloudTopic(), settings.qos(), this);
    }

    @Override
    public void onMessage(String topic, byte[] payload) {
        counters.received.increment();
        log.maybeSummarize(counters);
        if (!rateLimit.tryTake()) {
            counters.droppedByRateLimit.increment();
            return;
        }
        byte[] bytes = payload;
        if (settings.format() == PayloadFormat.KURA) {
            try {
                KuraPayload kura = codec.decode(payload);
                bytes = kura.body();
                if (bytes == null) {
                    reject(topic, "its KuraPayload has no body (metrics only); set payload.format=raw to"
                            + " deliver cloud payloads unchanged");
                    return;
                }
            } catch (PayloadException e) {
                reject(topic, "not a KuraPayload in " + codec.name() + ": " + e.getMessage());
                return;
            }
        }
        String localTopic = settings.localTopic() + "/" + topic;
        byte[] body = bytes;
        outbox.send(() -> bus.publish(localTopic, body, settings.qos(), false));
    }

    private void reject(String topic, String reason) {
        counters.rejected.increment();
        log.rejected(topic, reason);
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
