package io.hybridge.fleet.wire;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.hybridge.api.cloud.KuraPayload;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Kura request/response over MQTT: a request carries {@code request.id} and
 * {@code requester.client.id}; the reply comes on {@code .../REPLY/<request.id>}. A request
 * without a reply is sent again (same request id) up to {@code retries} times, each attempt
 * waiting {@code timeout}; then the future fails with a {@link TimeoutException}.
 */
public final class RequestClient {
    private final FleetMqtt mqtt;
    private final ScheduledExecutorService timer;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    private final class Pending {
        final String topic;
        final KuraPayload payload;
        final CompletableFuture<Reply> reply = new CompletableFuture<>();
        final Duration timeout;
        int attemptsLeft;
        ScheduledFuture<?> timeoutTask;

        Pending(String topic, KuraPayload payload, Duration timeout, int retries) {
            this.topic = topic;
            this.payload = payload;
            this.timeout = timeout;
            this.attemptsLeft = retries + 1;
        }
    }

    public RequestClient(FleetMqtt mqtt, ScheduledExecutorService timer) {
        this.mqtt = mqtt;
        this.timer = timer;
        mqtt.addListener(this::onMessage);
    }

    public CompletableFuture<Reply> request(String account, String gateway, String verb, String resource,
            KuraPayload metrics, Duration timeout, int retries) {
        String requestId = UUID.randomUUID().toString();
        KuraPayload payload = metrics.toBuilder()
                .timestamp(System.currentTimeMillis())
                .metric(DeployV2.REQUEST_ID, requestId)
                .metric(DeployV2.REQUESTER, mqtt.clientId())
                .build();
        Pending p = new Pending(EdcTopic.request(account, gateway, DeployV2.APP, verb, resource), payload, timeout, retries);
        pending.put(requestId, p);
        p.reply.whenComplete((r, e) -> {
            pending.remove(requestId);
            if (p.timeoutTask != null) {
                p.timeoutTask.cancel(false);
            }
        });
        send(requestId, p);
        return p.reply;
    }

    private void send(String requestId, Pending p) {
        synchronized (p) {
            if (p.reply.isDone()) {
                return;
            }
            if (p.attemptsLeft-- <= 0) {
                p.reply.completeExceptionally(new TimeoutException("no reply to " + p.topic + " within "
                        + p.timeout.toMillis() + " ms"));
                return;
            }
            p.timeoutTask = timer.schedule(() -> send(requestId, p), p.timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        try {
            mqtt.publish(p.topic, p.payload);
        } catch (MqttException e) {
            // not connected or too many in flight: the timeout sends it again
        }
    }

    private void onMessage(EdcTopic topic, KuraPayload payload) {
        if (!DeployV2.APP.equals(topic.app()) || !"REPLY".equals(topic.verb()) || topic.rest().size() < 2) {
            return;
        }
        Pending p = pending.get(topic.rest().get(1));
        if (p != null) {
            p.reply.complete(Reply.of(payload));
        }
    }

    public int pendingRequests() {
        return pending.size();
    }
}
