package io.hybridge.itests.bench;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.NoDelaySocketFactory;
import io.hybridge.itests.support.Wait;

/**
 * Cloud-link benchmark, end to end with real processes: a Mosquitto as the cloud broker, the
 * Hybridge distribution with a sensor route ({@code bench/#} to the cloud), and in this JVM the
 * sensor (Paho, to the gateway's local broker) and the cloud-side reader (Paho, on Mosquitto).
 * Every figure of the gateway path is set against the <b>direct path</b> measured in the same
 * run, interleaved round by round: the same sensor publishing the same messages straight to
 * the cloud broker. Medians over rounds; ratios are the figures to compare (shared machine).
 *
 * <ul>
 * <li>throughput, QoS 1 (stored on disk before the gateway forwards it) and QoS 0, 256-byte payloads;</li>
 * <li>latency p50/p99 at a steady 1,000 msg/s (QoS 1), sensor publish to cloud arrival;</li>
 * <li>remote configuration round trip (CONF-V2 update: request, applied, reply) p50/p99;</li>
 * <li>drain rate of a backlog stored while the cloud broker was down, and disk use per message.</li>
 * </ul>
 *
 * System properties: {@code bench.rounds} (3), {@code bench.messages} (20000 per throughput run),
 * {@code bench.latency.seconds} (10), {@code bench.config.requests} (200), {@code bench.backlog}
 * (1000000).
 */
public final class CloudBenchmark {

    private static final String ACCOUNT = "acme";
    private static final String CLIENT_ID = "gw-bench";
    private static final String SENSOR = "sensor";
    private static final String SENSOR_PASSWORD = "sensor-pass";
    private static final int PAYLOAD_BYTES = 256;
    private static final int SENSOR_WINDOW = 100;

    private final CloudBroker broker;
    private final GatewayProcess gateway;
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();

    private CloudBenchmark(CloudBroker broker, GatewayProcess gateway) {
        this.broker = broker;
        this.gateway = gateway;
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "target/benchmarks");
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("hybridge-cloud-bench");
        int rounds = Integer.getInteger("bench.rounds", 3);
        int messages = Integer.getInteger("bench.messages", 20_000);
        int latencySeconds = Integer.getInteger("bench.latency.seconds", 10);
        int configRequests = Integer.getInteger("bench.config.requests", 200);
        int backlog = Integer.getInteger("bench.backlog", 1_000_000);

        try (CloudBroker broker = CloudBroker.start(work.resolve("broker"));
                GatewayProcess gateway = install(work, broker)) {
            gateway.startAndAwaitReady();
            Wait.until("gateway connected to the cloud", Duration.ofSeconds(30), () -> gateway.health()
                    .path("subsystems").path("cloud").path("details").path("connected").asBoolean() ? true : null);
            CloudBenchmark bench = new CloudBenchmark(broker, gateway);
            Map<String, Object> report = bench.run(rounds, messages, latencySeconds, configRequests, backlog);
            report.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                    + System.getProperty("java.version"));
            report.put("when", Instant.now().toString());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(out.resolve("cloud.json").toFile(), report);
            System.out.println("[bench] results in " + out.resolve("cloud.json"));
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        }
    }

    private static GatewayProcess install(Path work, CloudBroker broker) throws Exception {
        GatewayProcess gateway = GatewayProcess.install(work, "gw")
                .env("HYBRIDGE_CLOUD_URI", broker.uri())
                .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                .env("HYBRIDGE_CLIENT_ID", CLIENT_ID)
                .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD);
        String javaOpts = System.getProperty("bench.gateway.java.opts", "");
        if (!javaOpts.isBlank()) {
            gateway.env("HYBRIDGE_JAVA_OPTS", javaOpts);
        }
        Path config = gateway.home().resolve("etc/config");
        // room for the 1,000,000-message backlog (~300 record bytes each; the default 256 MiB holds ~870,000)
        Files.writeString(config.resolve("io.hybridge.cloud.config"), "store.max.mib=L\"1024\"\n");
        Files.writeString(config.resolve("io.hybridge.broker.account-sensor.config"), """
                username="%s"
                password="%s"
                publish=["bench/#"]
                subscribe=["bench/#"]
                """.formatted(SENSOR, SENSOR_PASSWORD));
        for (int qos : new int[] {0, 1}) {
            Files.writeString(config.resolve("io.hybridge.cloud.route-bench" + qos + ".config"), """
                    direction="to-cloud"
                    local.topic="bench/q%d/#"
                    cloud.app="BENCH"
                    qos=I"%d"
                    payload.format="raw"
                    """.formatted(qos, qos));
        }
        return gateway;
    }

    private Map<String, Object> run(int rounds, int messages, int latencySeconds, int configRequests, int backlog)
            throws Exception {
        for (int round = 1; round <= rounds; round++) {
            for (int qos : new int[] {1, 0}) {
                add("direct.qos" + qos + ".msgPerSec", throughput(broker.uri(), CloudBroker.USER, CloudBroker.PASSWORD,
                        "direct/q" + qos + "/r" + round, "direct/q" + qos + "/r" + round, qos, messages));
                add("gateway.qos" + qos + ".msgPerSec", throughput(gateway.mqttUri(), SENSOR, SENSOR_PASSWORD,
                        "bench/q" + qos + "/r" + round, cloudTopic("bench/q" + qos + "/r" + round), qos, messages));
            }
            double[] direct = latency(broker.uri(), CloudBroker.USER, CloudBroker.PASSWORD, "direct/lat/r" + round,
                    "direct/lat/r" + round, latencySeconds);
            double[] viaGateway = latency(gateway.mqttUri(), SENSOR, SENSOR_PASSWORD, "bench/q1/lat" + round,
                    cloudTopic("bench/q1/lat" + round), latencySeconds);
            add("direct.latency.p50Ms", direct[0]);
            add("direct.latency.p99Ms", direct[1]);
            add("gateway.latency.p50Ms", viaGateway[0]);
            add("gateway.latency.p99Ms", viaGateway[1]);
            System.out.printf("[bench] round %d/%d: %s%n", round, rounds, lastValues());
        }
        Map<String, Object> report = new LinkedHashMap<>();
        Map<String, Object> medians = new LinkedHashMap<>();
        samples.forEach((key, values) -> medians.put(key, round1(median(values))));
        double[] config = configRoundTrip(configRequests);
        medians.put("config.roundTrip.p50Ms", round1(config[0]));
        medians.put("config.roundTrip.p99Ms", round1(config[1]));
        Map<String, Object> drain = drain(backlog);
        Map<String, Object> ratios = new LinkedHashMap<>();
        ratios.put("qos1GatewayVsDirect", round2(median(samples.get("gateway.qos1.msgPerSec"))
                / median(samples.get("direct.qos1.msgPerSec"))));
        ratios.put("qos0GatewayVsDirect", round2(median(samples.get("gateway.qos0.msgPerSec"))
                / median(samples.get("direct.qos0.msgPerSec"))));
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("qos1GatewayVsDirect >= 0.30", (double) ratios.get("qos1GatewayVsDirect") >= 0.30);
        targets.put("qos0GatewayVsDirect >= 0.50", (double) ratios.get("qos0GatewayVsDirect") >= 0.50);
        targets.put("gateway.latency.p99Ms <= 20", median(samples.get("gateway.latency.p99Ms")) <= 20);
        targets.put("config.roundTrip.p99Ms <= 50", config[1] <= 50);
        report.put("rounds", samples.values().iterator().next().size());
        report.put("messagesPerThroughputRun", messages);
        report.put("payloadBytes", PAYLOAD_BYTES);
        report.put("medians", medians);
        report.put("ratios", ratios);
        report.put("targets", targets);
        report.put("drain", drain);
        report.put("samples", samples);
        return report;
    }

    private static String cloudTopic(String localTopic) {
        return ACCOUNT + "/" + CLIENT_ID + "/BENCH/" + localTopic;
    }

    // ---- throughput -------------------------------------------------------------------------

    /**
     * Publishes {@code count} messages as fast as a window of {@value #SENSOR_WINDOW} in flight
     * allows and times them from the first publish to the last arrival at the cloud reader.
     * At QoS 0 some may be lost; the rate counts those that arrived, over the time they took.
     */
    private double throughput(String publishUri, String user, String password, String topic, String cloudTopic,
            int qos, int count) throws Exception {
        AtomicLong arrived = new AtomicLong();
        AtomicLong lastArrival = new AtomicLong();
        CountDownLatch all = new CountDownLatch(count);
        try (Reader reader = new Reader(cloudTopic, (t, p) -> {
            arrived.incrementAndGet();
            lastArrival.set(System.nanoTime());
            all.countDown();
        })) {
            MqttAsyncClient sensor = sensor(publishUri, user, password);
            byte[] payload = new byte[PAYLOAD_BYTES];
            long start = System.nanoTime();
            java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(SENSOR_WINDOW);
            for (int i = 0; i < count; i++) {
                window.acquire();
                sensor.publish(topic, payload, qos, false, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                    @Override
                    public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                        window.release();
                    }

                    @Override
                    public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable cause) {
                        window.release();
                    }
                });
            }
            if (!all.await(qos == 0 ? 20 : 300, TimeUnit.SECONDS) && qos == 1) {
                throw new AssertionError("QoS 1: only " + arrived.get() + " of " + count + " arrived on " + cloudTopic
                        + "; gateway health: " + gateway.health());
            }
            sensor.disconnect().waitForCompletion();
            sensor.close();
            double seconds = (lastArrival.get() - start) / 1e9;
            return arrived.get() / seconds;
        }
    }

    // ---- latency ----------------------------------------------------------------------------

    /** QoS 1 at a steady 1,000 msg/s; each payload carries its send time (same JVM clock). */
    private double[] latency(String publishUri, String user, String password, String topic, String cloudTopic,
            int seconds) throws Exception {
        int count = seconds * 1000;
        long[] latencies = new long[count];
        AtomicLong received = new AtomicLong();
        CountDownLatch all = new CountDownLatch(count);
        try (Reader reader = new Reader(cloudTopic, (t, p) -> {
            long sent = ByteBuffer.wrap(p).getLong();
            int index = (int) received.getAndIncrement();
            if (index < count) {
                latencies[index] = System.nanoTime() - sent;
            }
            all.countDown();
        })) {
            MqttAsyncClient sensor = sensor(publishUri, user, password);
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                long due = start + i * 1_000_000L;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] payload = new byte[PAYLOAD_BYTES];
                ByteBuffer.wrap(payload).putLong(System.nanoTime());
                sensor.publish(topic, payload, 1, false);
            }
            if (!all.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError("latency run: only " + received.get() + " of " + count + " arrived");
            }
            sensor.disconnect().waitForCompletion();
            sensor.close();
        }
        Arrays.sort(latencies);
        return new double[] {latencies[count / 2] / 1e6, latencies[(int) (count * 0.99)] / 1e6};
    }

    // ---- remote configuration ---------------------------------------------------------------

    /** CONF-V2 updates of io.hybridge.config (snapshots.max 10/11 alternating), request to reply. */
    private double[] configRoundTrip(int requests) throws Exception {
        try (KapuaClient kapua = new KapuaClient(broker)) {
            long[] times = new long[requests];
            for (int i = -20; i < requests; i++) { // 20 warm-up requests
                String body = """
                        {"configs":[{"pid":"io.hybridge.config","properties":{"snapshots.max":{"type":"INTEGER","value":%d}}}]}
                        """.formatted(10 + (i & 1));
                long start = System.nanoTime();
                KapuaClient.Received reply = kapua.request(ACCOUNT, CLIENT_ID, "CONF-V2",
                        "PUT/configurableComponents/configurations/_update", body, Duration.ofSeconds(10));
                long took = System.nanoTime() - start;
                Object code = reply.metric("response.code");
                if (!Integer.valueOf(200).equals(code)) {
                    throw new AssertionError("CONF-V2 update answered " + code + ": "
                            + reply.metric("response.exception.message"));
                }
                if (i >= 0) {
                    times[i] = took;
                }
            }
            Arrays.sort(times);
            return new double[] {times[requests / 2] / 1e6, times[(int) (requests * 0.99)] / 1e6};
        }
    }

    // ---- backlog drain ----------------------------------------------------------------------

    /**
     * Stops the cloud broker, has the sensor publish {@code backlog} messages (QoS 1) into the
     * gateway, which stores them; reads the store's size; starts the broker again and times the
     * drain until the reader has them all.
     */
    private Map<String, Object> drain(int backlog) throws Exception {
        broker.stop();
        Wait.until("gateway noticed the outage", Duration.ofSeconds(60), () -> gateway.health()
                .path("subsystems").path("cloud").path("details").path("connected").asBoolean() ? null : true);
        long fillStart = System.nanoTime();
        MqttAsyncClient sensor = sensor(gateway.mqttUri(), SENSOR, SENSOR_PASSWORD);
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(SENSOR_WINDOW);
        byte[] payload = new byte[PAYLOAD_BYTES];
        for (int i = 0; i < backlog; i++) {
            window.acquire();
            sensor.publish("bench/q1/backlog", payload, 1, false, null, new org.eclipse.paho.client.mqttv3.IMqttActionListener() {
                @Override
                public void onSuccess(org.eclipse.paho.client.mqttv3.IMqttToken token) {
                    window.release();
                }

                @Override
                public void onFailure(org.eclipse.paho.client.mqttv3.IMqttToken token, Throwable cause) {
                    window.release();
                }
            });
        }
        sensor.disconnect().waitForCompletion();
        sensor.close();
        long stored = Wait.until("backlog of " + backlog + " stored", Duration.ofMinutes(30), () -> {
            var store = gateway.health().path("subsystems").path("cloud").path("details").path("store");
            long messages = store.path("messages").asLong();
            if (store.path("dropped").asLong() > 0 || store.path("refused").asLong() > 0) {
                throw new AssertionError("the store overflowed while filling the backlog: " + store);
            }
            return messages >= backlog ? messages : null;
        });
        double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
        Path storeFile = gateway.home().resolve("var/cloud/messages.mv");
        long fileBytes = Files.size(storeFile);
        long recordBytes = gateway.health().path("subsystems").path("cloud").path("details").path("store")
                .path("bytes").asLong();

        AtomicLong arrived = new AtomicLong();
        CountDownLatch all = new CountDownLatch(backlog);
        broker.start();
        long drainStart = System.nanoTime();
        try (Reader reader = new Reader(cloudTopic("bench/q1/backlog"), (t, p) -> {
            arrived.incrementAndGet();
            all.countDown();
        })) {
            if (!all.await(60, TimeUnit.MINUTES)) {
                throw new AssertionError("drain: only " + arrived.get() + " of " + backlog + " arrived");
            }
        }
        double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
        Map<String, Object> drain = new LinkedHashMap<>();
        drain.put("backlogMessages", stored);
        drain.put("fillSeconds", round1(fillSeconds));
        drain.put("fillMsgPerSec", round1(stored / fillSeconds));
        drain.put("drainSeconds", round1(drainSeconds));
        drain.put("drainMsgPerSec", round1(backlog / drainSeconds));
        drain.put("storeFileBytes", fileBytes);
        drain.put("diskBytesPerMessage", round1((double) fileBytes / stored));
        drain.put("recordBytesPerMessage", round1((double) recordBytes / stored));
        drain.put("note", "drain counted from the broker's restart (includes the gateway's reconnect delay)"
                + " to the last arrival at the cloud reader");
        return drain;
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static MqttAsyncClient sensor(String uri, String user, String password) throws MqttException {
        MqttAsyncClient client = new MqttAsyncClient(uri, "sensor-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName(user);
        options.setPassword(password.toCharArray());
        options.setMaxInflight(SENSOR_WINDOW);
        options.setSocketFactory(new NoDelaySocketFactory());
        client.connect(options).waitForCompletion(10_000);
        return client;
    }

    /** The cloud-side reader, subscribed before the run starts. */
    private final class Reader implements AutoCloseable {
        private final MqttClient client;

        Reader(String topic, java.util.function.BiConsumer<String, byte[]> onMessage) throws MqttException {
            client = new MqttClient(broker.uri(), "reader-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectOptions options = new MqttConnectOptions();
            options.setUserName(CloudBroker.OPERATOR);
            options.setPassword(CloudBroker.OPERATOR_PASSWORD.toCharArray());
            options.setMaxInflight(1000);
            options.setSocketFactory(new NoDelaySocketFactory());
            client.setCallback(new MqttCallback() {
                @Override
                public void connectionLost(Throwable cause) {
                }

                @Override
                public void messageArrived(String t, MqttMessage message) {
                    onMessage.accept(t, message.getPayload());
                }

                @Override
                public void deliveryComplete(IMqttDeliveryToken token) {
                }
            });
            client.connect(options);
            client.subscribe(topic, 1);
        }

        @Override
        public void close() throws MqttException {
            client.disconnect();
            client.close();
        }
    }

    private void add(String key, double value) {
        samples.computeIfAbsent(key, k -> new ArrayList<>()).add(round1(value));
    }

    private String lastValues() {
        StringBuilder line = new StringBuilder();
        samples.forEach((key, values) -> line.append(key).append('=').append(values.get(values.size() - 1)).append(' '));
        return line.toString().trim();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
