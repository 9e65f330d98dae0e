package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.hybridge.api.bus.BusMessage;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;

/** A subscription's matching, ordering and bounded queue, and the interceptor's buffer ownership, without a broker. */
class BusSubscriptionTest {

    private final ExecutorService threads = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    private static BusMessage message(String topic, String payload) {
        return new BusMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 0, false, "c1");
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "sensors/+/temperature, sensors/s1/temperature, true",
        "sensors/+/temperature, sensors/s1/humidity, false",
        "sensors/+/temperature, sensors/s1/x/temperature, false",
        "sensors/#, sensors, true",
        "sensors/#, sensors/s1/temperature, true",
        "sensors/#, actuators/s1, false",
        "#, anything/at/all, true",
        "#, $SYS/broker, false",
        "+/status, $SYS/status, false",
        "$SYS/#, $SYS/broker, true",
        "devices/%c, devices/%c, true",
        "devices/%c, devices/sensor-1, false",
    })
    void matchesLikeAnMqttSubscription(String filter, String topic, boolean matches) {
        BusSubscription subscription = new BusSubscription(TopicFilter.parse(filter), m -> { }, Runnable::run, s -> { });
        assertThat(subscription.matches(topic)).isEqualTo(matches);
    }

    @Test
    void deliversInOrderOnTheDeliveryThread() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        List<String> threadNames = new ArrayList<>();
        BusSubscription subscription = new BusSubscription(TopicFilter.parse("#"), m -> {
            threadNames.add(Thread.currentThread().getName());
            received.add(new String(m.payload(), StandardCharsets.UTF_8));
        }, threads, s -> { });
        for (int i = 0; i < 500; i++) {
            subscription.offer(message("t", Integer.toString(i)));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(Integer.toString(i));
        }
        assertThat(threadNames).doesNotContain(Thread.currentThread().getName());
    }

    @Test
    void aListenerThatFallsBehindLosesNewMessagesNotMemory() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstArrived = new CountDownLatch(1);
        LinkedBlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();
        BusSubscription subscription = new BusSubscription(TopicFilter.parse("#"), m -> {
            firstArrived.countDown();
            await(release);
            received.add(m);
        }, threads, s -> { });

        subscription.offer(message("t", "blocked"));
        assertThat(firstArrived.await(10, TimeUnit.SECONDS)).isTrue();
        int extra = 10;
        for (int i = 0; i < BusSubscription.MAX_QUEUED_MESSAGES + extra; i++) {
            subscription.offer(message("t", "m" + i));
        }
        assertThat(subscription.droppedMessages()).isEqualTo(extra);

        release.countDown();
        for (int i = 0; i <= BusSubscription.MAX_QUEUED_MESSAGES; i++) {
            assertThat(received.poll(10, TimeUnit.SECONDS)).isNotNull();
        }
        // caught up: it takes messages again
        subscription.offer(message("t", "after"));
        BusMessage after = received.poll(10, TimeUnit.SECONDS);
        assertThat(after).isNotNull();
        assertThat(new String(after.payload(), StandardCharsets.UTF_8)).isEqualTo("after");
    }

    @Test
    void bytesBoundTheQueueToo() {
        List<Runnable> drains = new ArrayList<>();
        Executor parked = drains::add; // nothing runs: every message stays queued
        BusSubscription subscription = new BusSubscription(TopicFilter.parse("#"), m -> { }, parked, s -> { });
        byte[] megabyte = new byte[1024 * 1024];
        for (int i = 0; i < 10; i++) {
            subscription.offer(new BusMessage("t", megabyte, 0, false, "c"));
        }
        assertThat(subscription.droppedMessages()).isEqualTo(10 - BusSubscription.MAX_QUEUED_BYTES / megabyte.length);
        assertThat(drains).hasSize(1);
    }

    @Test
    void aFailingListenerKeepsItsSubscription() throws Exception {
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        BusSubscription subscription = new BusSubscription(TopicFilter.parse("#"), m -> {
            String text = new String(m.payload(), StandardCharsets.UTF_8);
            if (text.equals("bad")) {
                throw new IllegalStateException("listener bug");
            }
            received.add(text);
        }, threads, s -> { });
        subscription.offer(message("t", "bad"));
        subscription.offer(message("t", "good"));
        assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("good");
    }

    @Test
    void closedSubscriptionTakesNothingAndLeavesTheBus() {
        List<BusSubscription> removed = new ArrayList<>();
        List<BusMessage> received = new ArrayList<>();
        BusSubscription subscription = new BusSubscription(TopicFilter.parse("#"), received::add, Runnable::run,
                removed::add);
        subscription.close();
        subscription.close();
        subscription.offer(message("t", "late"));
        assertThat(received).isEmpty();
        assertThat(removed).containsExactly(subscription);
    }

    /**
     * Moquette 0.17 hands each interceptor a retained duplicate that the interceptor must release
     * (BrokerInterceptor.notifyTopicPublished): the bus copies the bytes, then releases it.
     */
    @Test
    void interceptorCopiesThePayloadAndReleasesTheBuffer() throws Exception {
        MoquetteBus bus = new MoquetteBus(null);
        try {
            LinkedBlockingQueue<BusMessage> received = new LinkedBlockingQueue<>();
            bus.subscribe("sensors/#", received::add);
            ByteBuf buffer = Unpooled.copiedBuffer("21.5", StandardCharsets.UTF_8);
            MqttPublishMessage publish = MqttMessageBuilders.publish().topicName("sensors/s1/temperature")
                    .qos(MqttQoS.AT_LEAST_ONCE).retained(true).messageId(7).payload(buffer).build();

            // as Moquette does: its own reference, and a retained duplicate the handler owns
            new BusInterceptor(bus).onPublish(new InterceptPublishMessage(publish.retainedDuplicate(), "sensor-1", "alice"));

            assertThat(buffer.refCnt()).as("the handler released its reference, and only that").isEqualTo(1);
            publish.release();
            assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo(new BusMessage("sensors/s1/temperature",
                    "21.5".getBytes(StandardCharsets.UTF_8), 1, true, "sensor-1"));
        } finally {
            bus.close();
        }
    }

    @Test
    void interceptorReleasesTheBufferWhenNobodyListens() {
        MoquetteBus bus = new MoquetteBus(null);
        try {
            ByteBuf buffer = Unpooled.copiedBuffer("x", StandardCharsets.UTF_8);
            MqttPublishMessage publish = MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_MOST_ONCE)
                    .payload(buffer).build();
            new BusInterceptor(bus).onPublish(new InterceptPublishMessage(publish.retainedDuplicate(), "c", null));
            assertThat(buffer.refCnt()).isEqualTo(1);
        } finally {
            bus.close();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
