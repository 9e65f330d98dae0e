package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hybridge.api.bus.BusMessage;
import io.hybridge.api.bus.LocalBus;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.broker.internal.MqttTestClient.Received;

/**
 * The in-process bus against a real Moquette on a free loopback port and real MQTT clients
 * (Eclipse Paho). Absence is never waited out: a check that something did not arrive publishes
 * a marker after it and sees the marker arrive first.
 */
class LocalBusTest {

    private static final Duration SETTLE = Duration.ofSeconds(20);
    private static final long WAIT_SECONDS = 10;

    private final List<LocalBus> registered = new ArrayList<>();
    private final AtomicInteger withdrawn = new AtomicInteger();
    private final List<AutoCloseable> clients = new ArrayList<>();
    private LocalBroker broker;
    private LocalBus bus;
    private int port;

    @BeforeEach
    void startBroker() throws Exception {
        port = LocalBrokerTest.freePort();
        Map<String, Object> config = LocalBrokerTest.loopback(port);
        config.put("allow.anonymous", true);
        BusRegistrar recording = (offered, settings) -> {
            registered.add(offered);
            return withdrawn::incrementAndGet;
        };
        broker = new LocalBroker(Configs.of(BrokerConfig.class, config), config, name -> null, new Accounts(), recording);
        assertThat(broker.awaitSettled(SETTLE)).isTrue();
        assertThat(broker.health().status()).isEqualTo(HealthStatus.UP);
        assertThat(registered).hasSize(1);
        bus = registered.get(0);
    }

    @AfterEach
    void stopBroker() throws Exception {
        for (AutoCloseable client : clients) {
            client.close();
        }
        if (broker != null) {
            broker.deactivate();
        }
    }

    private MqttTestClient client(String clientId) throws Exception {
        MqttTestClient client = new MqttTestClient(port, clientId);
        clients.add(client);
        return client;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(BusMessage message) {
        return new String(message.payload(), StandardCharsets.UTF_8);
    }

    @Test
    void whatAnMqttClientPublishesReachesTheBusListener() throws Exception {
        LinkedBlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();
        bus.subscribe("sensors/+/temperature", received::add);
        MqttTestClient sensor = client("sensor-1");

        sensor.publish("sensors/s1/temperature", "21.5", 1, false);
        sensor.publish("sensors/s1/temperature", "21.6", 0, false);
        sensor.publish("sensors/s1/temperature", "21.7", 2, true);

        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo(new BusMessage("sensors/s1/temperature", utf8("21.5"), 1, false, "sensor-1"));
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo(new BusMessage("sensors/s1/temperature", utf8("21.6"), 0, false, "sensor-1"));
        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo(new BusMessage("sensors/s1/temperature", utf8("21.7"), 2, true, "sensor-1"));
        assertThat(broker.health().details()).containsEntry("bus.subscriptions", 1);
    }

    @Test
    void wildcardFiltersSelectTopics() throws Exception {
        LinkedBlockingQueue<BusMessage> temperatures = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<BusMessage> everything = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<BusMessage> s1 = new LinkedBlockingQueue<>();
        bus.subscribe("sensors/+/temperature", temperatures::add);
        bus.subscribe("#", everything::add);
        bus.subscribe("sensors/s1/#", s1::add);
        MqttTestClient sensor = client("sensor-1");

        for (String topic : List.of("sensors/s1/temperature", "sensors/s1/humidity", "sensors/s2/temperature",
                "sensors/s1", "actuators/fan")) {
            sensor.publish(topic, "x", 1, false);
        }
        sensor.publish("sensors/s1/temperature", END, 1, false); // matches all three: the end of each list

        assertThat(topicsUntilEnd(temperatures)).containsExactly("sensors/s1/temperature", "sensors/s2/temperature");
        assertThat(topicsUntilEnd(everything)).containsExactly("sensors/s1/temperature", "sensors/s1/humidity",
                "sensors/s2/temperature", "sensors/s1", "actuators/fan");
        assertThat(topicsUntilEnd(s1)).containsExactly("sensors/s1/temperature", "sensors/s1/humidity", "sensors/s1");
    }

    private static final String END = "end";

    /** The topics received before the message with payload {@value #END}: a subscription gets messages in order. */
    private static List<String> topicsUntilEnd(LinkedBlockingQueue<BusMessage> queue) throws Exception {
        List<String> topics = new ArrayList<>();
        while (true) {
            BusMessage message = queue.poll(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(message).as("the end marker after %s", topics).isNotNull();
            if (text(message).equals(END)) {
                return topics;
            }
            topics.add(message.topic());
        }
    }

    @Test
    void whatTheBusPublishesReachesMqttSubscribers() throws Exception {
        MqttTestClient actuator = client("actuator-1");
        actuator.subscribe("commands/#", 1);

        bus.publish("commands/fan", utf8("on"), 1, false).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        bus.publish("commands/fan", utf8("off"), 0, false).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(actuator.next(WAIT_SECONDS)).isEqualTo(new Received("commands/fan", "on", 1, false));
        assertThat(actuator.next(WAIT_SECONDS)).isEqualTo(new Received("commands/fan", "off", 0, false));
    }

    @Test
    void whatTheBusPublishesReachesBusSubscribersAsTheBusClient() throws Exception {
        LinkedBlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();
        bus.subscribe("commands/#", received::add);

        bus.publish("commands/fan", utf8("on"), 1, false).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(received.poll(WAIT_SECONDS, TimeUnit.SECONDS))
                .isEqualTo(new BusMessage("commands/fan", utf8("on"), 1, false, LocalBus.BUS_CLIENT_ID));
    }

    @Test
    void publishStagesCompleteOnBusThreadsNotTheBrokers() throws Exception {
        client("subscriber").subscribe("#", 1);
        AtomicReference<String> thread = new AtomicReference<>();
        String caller = Thread.currentThread().getName();
        bus.publish("t", utf8("x"), 1, false).thenRun(() -> thread.set(Thread.currentThread().getName()))
                .toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        // A dependent stage runs on the thread that completed the publish, or on the caller when the
        // publish had already completed before thenRun was attached (a race this test cannot
        // control); never on one of Moquette's threads.
        assertThat(thread.get()).matches(name -> name.startsWith("hybridge-bus-") || name.equals(caller),
                "a hybridge-bus thread or the caller, not a broker thread");
    }

    @Test
    void retainedBusMessagesReachLaterSubscribersAndAnEmptyOneDeletesThem() throws Exception {
        bus.publish("status/gateway", utf8("online"), 1, true).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);

        MqttTestClient late = client("late-1");
        late.subscribe("status/#", 1);
        // Moquette 0.17 sends a retained message to a new subscriber without the RETAIN flag
        // (MQTT-3.3.1-8 wants it set), for MQTT clients' retained messages as for the bus's
        assertThat(late.next(WAIT_SECONDS)).isEqualTo(new Received("status/gateway", "online", 1, false));

        bus.publish("status/gateway", new byte[0], 1, true).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(late.next(WAIT_SECONDS)).as("the deletion itself reaches current subscribers")
                .isEqualTo(new Received("status/gateway", "", 1, false));

        MqttTestClient later = client("late-2");
        later.subscribe("status/#", 1);
        bus.publish("status/marker", utf8("m"), 1, false).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(later.next(WAIT_SECONDS)).as("no retained message any more: the marker comes first")
                .isEqualTo(new Received("status/marker", "m", 1, false));
    }

    @Test
    void retainedQos0BehavesAsForAnMqttClient() throws Exception {
        // Moquette 0.17 keeps no retained QoS 0 message, whoever publishes it (MQTT 3.1.1 3.3.1.3 allows it)
        bus.publish("status/a", utf8("kept"), 1, true).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        bus.publish("status/a", utf8("qos0"), 0, true).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        client("mqtt-publisher").publish("status/b", "kept", 1, true);
        client("mqtt-publisher-2").publish("status/b", "qos0", 0, true);

        MqttTestClient late = client("late");
        late.subscribe("status/#", 1);
        bus.publish("status/marker", utf8("m"), 1, false).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(late.next(WAIT_SECONDS)).isEqualTo(new Received("status/marker", "m", 1, false));
    }

    @Test
    void closedSubscriptionReceivesNoMore() throws Exception {
        LinkedBlockingQueue<String> closedOne = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<String> openOne = new LinkedBlockingQueue<>();
        LocalBus.Subscription subscription = bus.subscribe("sensors/#", m -> closedOne.add(text(m)));
        bus.subscribe("sensors/#", m -> openOne.add(text(m)));
        MqttTestClient sensor = client("sensor-1");

        sensor.publish("sensors/a", "before", 1, false);
        assertThat(closedOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("before");
        subscription.close();
        sensor.publish("sensors/a", "after", 1, false);

        assertThat(openOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("before");
        assertThat(openOne.poll(WAIT_SECONDS, TimeUnit.SECONDS)).isEqualTo("after");
        assertThat(closedOne).isEmpty();
        assertThat(broker.health().details()).containsEntry("bus.subscriptions", 1);
    }

    @Test
    void invalidInputIsRefusedNamingIt() {
        assertThatThrownBy(() -> bus.subscribe("sensors/#/x", m -> { })).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sensors/#/x").hasMessageContaining("'#' must be a whole level and the last one");
        assertThatThrownBy(() -> bus.publish("sensors/+", new byte[0], 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'sensors/+'");
        assertThatThrownBy(() -> bus.publish("sensors/a", new byte[0], 3, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("qos 3; expected 0, 1 or 2");
    }

    @Test
    void stoppingTheBrokerWithdrawsTheBusAndEndsIt() throws Exception {
        LinkedBlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();
        bus.subscribe("#", received::add);

        broker.deactivate();
        broker = null;

        assertThat(withdrawn.get()).isEqualTo(1);
        CompletableFuture<Void> late = bus.publish("t", utf8("x"), 1, false).toCompletableFuture();
        assertThatThrownBy(late::get).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
        assertThatThrownBy(() -> bus.subscribe("#", m -> { })).isInstanceOf(IllegalStateException.class);
        assertThat(received).isEmpty();
    }

    @Test
    void aRestartOffersANewBus() throws Exception {
        Map<String, Object> config = LocalBrokerTest.loopback(LocalBrokerTest.freePort());
        config.put("allow.anonymous", true);
        broker.modified(Configs.of(BrokerConfig.class, config), config);
        assertThat(broker.awaitSettled(SETTLE)).isTrue();

        assertThat(withdrawn.get()).isEqualTo(1);
        assertThat(registered).hasSize(2);
        assertThat(registered.get(1)).isNotSameAs(bus);
    }

    /**
     * Not a benchmark: a sanity check that the interceptor path keeps up with a client publishing
     * as fast as it can, and that bus publishes flow to an MQTT subscriber. Rates go to the log.
     */
    @Test
    void throughputSanity() throws Exception {
        int messages = 20_000;
        CountDownLatch allIn = new CountDownLatch(messages);
        bus.subscribe("load/#", m -> allIn.countDown());
        MqttTestClient sensor = client("load-1");
        byte[] payload = new byte[200];

        long start = System.nanoTime();
        for (int i = 0; i < messages; i++) {
            sensor.publish("load/s" + (i % 10), payload, 1, false);
        }
        assertThat(allIn.await(60, TimeUnit.SECONDS)).as("%d of %d arrived", messages - allIn.getCount(), messages)
                .isTrue();
        double inbound = messages / ((System.nanoTime() - start) / 1e9);

        int outMessages = 5_000;
        MqttTestClient subscriber = client("load-subscriber");
        subscriber.subscribe("out/#", 1);
        start = System.nanoTime();
        List<CompletableFuture<Void>> stages = new ArrayList<>();
        for (int i = 0; i < outMessages; i++) {
            stages.add(bus.publish("out/s" + (i % 10), payload, 1, false).toCompletableFuture());
            if (stages.size() % 500 == 0) {
                // keep within the subscriber's session queue: wait for the batch to be routed
                CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            }
        }
        CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        for (int i = 0; i < outMessages; i++) {
            assertThat(subscriber.next(WAIT_SECONDS)).as("message %d", i).isNotNull();
        }
        double outbound = outMessages / ((System.nanoTime() - start) / 1e9);
        org.slf4j.LoggerFactory.getLogger(LocalBusTest.class).info(
                "bus throughput: MQTT client -> bus listener {} msg/s (QoS 1, 200 B); bus -> MQTT subscriber {} msg/s",
                Math.round(inbound), Math.round(outbound));
    }
}
