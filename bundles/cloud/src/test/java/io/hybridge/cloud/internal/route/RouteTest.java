package io.hybridge.cloud.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.hybridge.api.bus.BusMessage;
import io.hybridge.api.cloud.CloudPublishException;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.cloud.internal.payload.PayloadEncoding;

/** Routes built with plain {@code new}, as SCR builds them, against a fake cloud channel and a fake local bus. */
class RouteTest {

    private static final Instant NOON = Instant.parse("2026-01-01T12:00:00Z");

    private final FakeCloud cloud = new FakeCloud();
    private final FakeLocalBus bus = new FakeLocalBus();
    private final MutableClock clock = new MutableClock(NOON);
    private final ManualTimer timer = new ManualTimer();
    private final List<Route> routes = new ArrayList<>();

    /** A timer ticked by the test. */
    static final class ManualTimer implements WindowTimer {
        Runnable tick;
        long firstDelay;
        long period;
        boolean stopped;

        @Override
        public Runnable start(String name, Runnable tick, long firstDelayMillis, long periodMillis) {
            this.tick = tick;
            this.firstDelay = firstDelayMillis;
            this.period = periodMillis;
            return () -> stopped = true;
        }
    }

    @AfterEach
    void deactivate() {
        routes.forEach(Route::deactivate);
    }

    private Route route(String name, Object... keysAndValues) {
        Map<String, Object> properties = Configs.properties(Route.FACTORY_PID + "~" + name, keysAndValues);
        Route route = new Route(Configs.route(properties), properties, cloud, bus, clock, timer);
        routes.add(route);
        return route;
    }

    private static BusMessage local(String topic, String payload) {
        return new BusMessage(topic, payload.getBytes(StandardCharsets.UTF_8), 0, false, "sensor-1");
    }

    private static KuraPayload decode(PayloadEncoding encoding, byte[] bytes) throws Exception {
        return encoding.codec().decode(bytes);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void toCloudWrapsTheLocalBytesAsAKuraPayloadBody() throws Exception {
        Route route = route("temperatures", "local.topic", "sensors/+/temperature", "cloud.topic", "temperature/{1}");
        assertThat(bus.subscriptions).extracting(s -> s.filter).containsExactly("sensors/+/temperature");

        bus.deliver(local("sensors/s1/temperature", "21.5"));

        assertThat(cloud.published).hasSize(1);
        FakeCloud.Published sent = cloud.published.get(0);
        assertThat(sent.appId()).isEqualTo("TELEMETRY");
        assertThat(sent.topic()).isEqualTo("temperature/s1");
        assertThat(sent.qos()).isEqualTo(1);
        assertThat(sent.priority()).isEqualTo(5);
        KuraPayload payload = decode(PayloadEncoding.KURA_PROTOBUF, sent.payload());
        assertThat(payload.timestamp()).isEqualTo(NOON);
        assertThat(text(payload.body())).isEqualTo("21.5");
        assertThat(payload.metrics()).isEmpty();

        RouteStats stats = route.stats();
        assertThat(stats.state()).isEqualTo(Route.RUNNING);
        assertThat(stats.received()).isEqualTo(1);
        assertThat(stats.forwarded()).isEqualTo(1);
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void theCloudEncodingIsTheRoutesChoice() throws Exception {
        route("json", "local.topic", "sensors/#", "payload.encoding", "json", "qos", 0, "priority", 7);
        bus.deliver(local("sensors/s1/humidity", "40"));

        FakeCloud.Published sent = cloud.published.get(0);
        assertThat(text(sent.payload())).startsWith("{");
        assertThat(text(decode(PayloadEncoding.JSON, sent.payload()).body())).isEqualTo("40");
        assertThat(sent.topic()).isEqualTo("sensors/s1/humidity");
        assertThat(sent.qos()).isZero();
        assertThat(sent.priority()).isEqualTo(7);
    }

    @Test
    void rawPassesTheBytesUnchanged() {
        route("raw", "local.topic", "cameras/+/events", "payload.format", "raw", "cloud.app", "EVENTS");
        bus.deliver(local("cameras/c1/events", "{\"person\":true}"));
        assertThat(text(cloud.published.get(0).payload())).isEqualTo("{\"person\":true}");
        assertThat(cloud.published.get(0).appId()).isEqualTo("EVENTS");
    }

    @Test
    void messagesAboveTheRateAreDroppedAndCounted() {
        Route route = route("limited", "local.topic", "sensors/#", "rate.limit.per.second", 2);
        for (int i = 0; i < 5; i++) {
            bus.deliver(local("sensors/a", Integer.toString(i)));
        }
        assertThat(cloud.published).hasSize(2);
        assertThat(route.stats().droppedByRateLimit()).isEqualTo(3);

        clock.advance(Duration.ofMillis(500));
        bus.deliver(local("sensors/a", "later"));
        assertThat(cloud.published).hasSize(3);
        assertThat(route.stats().received()).isEqualTo(6);
    }

    @Test
    void anAggregatingRouteSendsOneSummaryPerTopicAndWindow() throws Exception {
        Route route = route("averages", "local.topic", "sensors/+/temperature", "cloud.topic", "avg/{1}",
                "aggregation.window.seconds", 60);
        assertThat(timer.firstDelay).as("first tick just after the first window's end")
                .isEqualTo(60_000 + Route.WINDOW_GRACE_MILLIS);
        assertThat(timer.period).isEqualTo(60_000);

        bus.deliver(local("sensors/s1/temperature", "20"));
        clock.advance(Duration.ofSeconds(30));
        bus.deliver(local("sensors/s1/temperature", "{\"t\":21}"));
        bus.deliver(local("sensors/s1/temperature", "23.5"));
        bus.deliver(local("sensors/s2/temperature", "-4"));
        bus.deliver(local("sensors/s2/temperature", "warm"));
        assertThat(cloud.published).isEmpty();

        clock.set(NOON.plusMillis(60_000 + Route.WINDOW_GRACE_MILLIS));
        timer.tick.run();

        assertThat(cloud.published).extracting(FakeCloud.Published::topic).containsExactlyInAnyOrder("avg/s1", "avg/s2");
        FakeCloud.Published s1 = cloud.published.stream().filter(p -> p.topic().equals("avg/s1")).findFirst().orElseThrow();
        KuraPayload summary = decode(PayloadEncoding.KURA_PROTOBUF, s1.payload());
        assertThat(summary.timestamp()).isEqualTo(NOON.plusSeconds(60));
        assertThat(summary.metrics()).containsExactly(Map.entry("count", 2L), Map.entry("min", 20.0),
                Map.entry("max", 23.5), Map.entry("mean", 21.75));

        RouteStats stats = route.stats();
        assertThat(stats.received()).isEqualTo(5);
        assertThat(stats.rejected()).isEqualTo(2);
        assertThat(stats.forwarded()).isEqualTo(2);

        timer.tick.run();
        assertThat(cloud.published).as("nothing new: the windows are empty").hasSize(2);
        route.deactivate();
        routes.remove(route);
        assertThat(timer.stopped).isTrue();
    }

    @Test
    void refusedSendsAreCountedAsFailed() {
        Route route = route("refused", "local.topic", "sensors/#");
        cloud.outcome = () -> CompletableFuture.failedFuture(new CloudPublishException("store full (refuse-new policy)"));
        bus.deliver(local("sensors/a", "1"));
        cloud.outcome = () -> {
            throw new IllegalArgumentException("topic too long");
        };
        bus.deliver(local("sensors/a", "2"));
        cloud.outcome = () -> CompletableFuture.completedFuture(null);
        bus.deliver(local("sensors/a", "3"));

        RouteStats stats = route.stats();
        assertThat(stats.failed()).isEqualTo(2);
        assertThat(stats.forwarded()).isEqualTo(1);
        assertThat(stats.inFlight()).isZero();
    }

    @Test
    void fromCloudDeliversTheKuraBodyUnderTheLocalPrefix() {
        Route route = route("commands", "direction", "from-cloud", "local.topic", "cloud", "cloud.app", "CMD",
                "cloud.topic", "commands/#", "qos", 0);
        assertThat(cloud.subscriptions).hasSize(1);
        FakeCloud.Subscribed subscribed = cloud.subscriptions.get(0);
        assertThat(subscribed.appId()).isEqualTo("CMD");
        assertThat(subscribed.filter()).isEqualTo("commands/#");
        assertThat(subscribed.qos()).isZero();

        byte[] kura = PayloadEncoding.KURA_PROTOBUF.codec().encode(KuraPayload.builder().timestamp(NOON)
                .body("on".getBytes(StandardCharsets.UTF_8)).build());
        cloud.arrive("commands/fan", kura);

        assertThat(bus.published).hasSize(1);
        FakeLocalBus.Published delivered = bus.published.get(0);
        assertThat(delivered.topic()).isEqualTo("cloud/commands/fan");
        assertThat(text(delivered.payload())).isEqualTo("on");
        assertThat(delivered.qos()).isZero();
        assertThat(delivered.retain()).isFalse();
        assertThat(route.stats().forwarded()).isEqualTo(1);
    }

    @Test
    void fromCloudRejectsWhatIsNotAKuraPayloadWithABody() {
        Route route = route("commands", "direction", "from-cloud", "local.topic", "cloud");
        cloud.arrive("commands/fan", "not protobuf at all \u0000\u0001".getBytes(StandardCharsets.UTF_8));
        cloud.arrive("commands/fan", PayloadEncoding.KURA_PROTOBUF.codec().encode(
                KuraPayload.builder().metric("speed", 3).build()));
        assertThat(bus.published).isEmpty();
        assertThat(route.stats().rejected()).isEqualTo(2);
    }

    @Test
    void fromCloudRawPassesBytesThrough() {
        route("raw", "direction", "from-cloud", "local.topic", "cloud/raw", "payload.format", "raw");
        cloud.arrive("a/b", new byte[] {1, 2, 3});
        assertThat(bus.published.get(0).topic()).isEqualTo("cloud/raw/a/b");
        assertThat(bus.published.get(0).payload()).containsExactly(1, 2, 3);
    }

    @Test
    void anInvalidRouteDoesNothingAndLeavesTheOthersRunning() {
        Route invalid = route("broken", "local.topic", "sensors/#", "qos", 2);
        Route valid = route("fine", "local.topic", "sensors/#");

        RouteStats stats = invalid.stats();
        assertThat(stats.state()).isEqualTo(Route.INVALID);
        assertThat(stats.problem()).isEqualTo("route io.hybridge.cloud.route~broken: 'qos' is 2;"
                + " allowed: 0 (at most once) or 1 (at least once)");
        assertThat(bus.subscriptions).hasSize(1);

        bus.deliver(local("sensors/a", "1"));
        assertThat(valid.stats().forwarded()).isEqualTo(1);
        assertThat(invalid.stats().received()).isZero();
    }

    @Test
    void aRouteThatCannotSubscribeSaysSo() {
        bus.refuseSubscriptions = new IllegalStateException("cannot subscribe to 'sensors/#': the local broker has stopped");
        Route route = route("late", "local.topic", "sensors/#");
        assertThat(route.stats().state()).isEqualTo(Route.FAILED);
        assertThat(route.stats().problem()).isEqualTo("could not subscribe: cannot subscribe to 'sensors/#':"
                + " the local broker has stopped");
    }

    @Test
    void deactivationUnsubscribes() {
        Route toCloud = route("up", "local.topic", "sensors/#");
        Route fromCloud = route("down", "direction", "from-cloud", "local.topic", "cloud");
        toCloud.deactivate();
        fromCloud.deactivate();
        routes.clear();

        assertThat(bus.subscriptions.get(0).closed).isTrue();
        assertThat(cloud.subscriptions.get(0).closed()[0]).isTrue();
        bus.deliver(local("sensors/a", "1"));
        assertThat(cloud.published).isEmpty();
    }

    @Test
    void theRegistryListsEveryActiveRoutesStats() {
        RouteRegistry registry = new RouteRegistry();
        Route b = route("b", "local.topic", "sensors/#");
        Route a = route("a", "local.topic", "x", "qos", 5);
        registry.addRoute(b);
        registry.addRoute(a);
        bus.deliver(local("sensors/s1", "1"));

        assertThat(registry.routes()).extracting(RouteStats::pid, RouteStats::state, RouteStats::forwarded)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("io.hybridge.cloud.route~a", Route.INVALID, 0L),
                        org.assertj.core.groups.Tuple.tuple("io.hybridge.cloud.route~b", Route.RUNNING, 1L));
        registry.removeRoute(a);
        assertThat(registry.routes()).hasSize(1);
    }
}
