package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Wait;

/**
 * Sensor routes end to end, and the store's promise: messages a sensor publishes while the cloud
 * broker is down are kept on disk, survive a kill -9 of the gateway, and all reach the cloud, in
 * order, once it is back. Also aggregation windows and cloud commands routed to local devices.
 */
class StoreAndForwardIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String ACCOUNT = "acme";
    private static final String GW = "gw-sf";

    @TempDir
    Path dir;

    private GatewayProcess gateway(CloudBroker broker) throws Exception {
        GatewayProcess gateway = GatewayProcess.install(dir, "gw")
                .env("HYBRIDGE_CLOUD_URI", broker.uri())
                .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                .env("HYBRIDGE_CLIENT_ID", GW)
                .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD);
        Path config = gateway.home().resolve("etc/config");
        Files.writeString(config.resolve("io.hybridge.cloud.config"), """
                reconnect.initial.delay.ms=L"200"
                reconnect.max.delay.ms=L"1000"
                """);
        Files.writeString(config.resolve("io.hybridge.broker.account-sensor.config"), """
                username="sensor"
                password="sensor-pass"
                publish=["sensors/#"]
                subscribe=["actuators/#"]
                """);
        Files.writeString(config.resolve("io.hybridge.cloud.route-raw.config"), """
                local.topic="sensors/raw/#"
                cloud.app="TELEMETRY"
                qos=I"1"
                payload.format="raw"
                """);
        Files.writeString(config.resolve("io.hybridge.cloud.route-temps.config"), """
                local.topic="sensors/temp/+"
                cloud.app="STATS"
                cloud.topic="temperature/{1}"
                aggregation.window.seconds=I"1"
                """);
        Files.writeString(config.resolve("io.hybridge.cloud.route-commands.config"), """
                direction="from-cloud"
                cloud.app="CMD"
                cloud.topic="lights/#"
                local.topic="actuators"
                """);
        return gateway;
    }

    @Test
    void keepsEverythingAcrossABrokerOutageAndAKill9() throws Exception {
        int count = 500;
        Path brokerDir = dir.resolve("broker");
        CloudBroker broker = CloudBroker.start(brokerDir);
        GatewayProcess gateway = gateway(broker);
        try (gateway) {
            gateway.startAndAwaitReady();
            Wait.until("cloud connected", DEADLINE, () -> connected(gateway) ? true : null);
            broker.stop();
            Wait.until("outage noticed", DEADLINE, () -> connected(gateway) ? null : true);

            MqttClient sensor = sensor(gateway.mqttPort());
            for (int i = 0; i < count; i++) {
                sensor.publish("sensors/raw/line1", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            sensor.disconnect();
            Wait.until(count + " messages in the store", DEADLINE, () -> storeMessages(gateway) >= count ? true : null);

            gateway.kill(); // power cut: no clean close of the store
            broker.start();
            try (KapuaClient kapua = new KapuaClient(broker, ACCOUNT + "/" + GW + "/TELEMETRY/#")) {
                gateway.startAndAwaitReady();
                Wait.until("all " + count + " forwarded after the restart", DEADLINE, () ->
                        kapua.received().size() >= count ? true : null);
                List<String> bodies = kapua.received().stream().map(r -> new String(r.bytes(), StandardCharsets.UTF_8))
                        .toList();
                assertThat(bodies).as("every message once, in publish order")
                        .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "m" + i).toList());
                assertThat(kapua.received()).allMatch(r -> r.topic().equals("acme/" + GW + "/TELEMETRY/sensors/raw/line1"));
                Wait.until("store empty", DEADLINE, () -> storeMessages(gateway) == 0 ? true : null);
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void aggregatesWindowsAndRoutesCloudCommandsToLocalDevices() throws Exception {
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                KapuaClient kapua = new KapuaClient(broker, ACCOUNT + "/" + GW + "/STATS/#")) {
            GatewayProcess gateway = gateway(broker);
            try (gateway) {
                gateway.startAndAwaitReady();
                Wait.until("cloud connected", DEADLINE, () -> connected(gateway) ? true : null);

                // numbers in, one KuraPayload per window out: count/min/max/mean. Windows are one
                // second, aligned to the clock: publish the three values early in a window.
                MqttClient sensor = sensor(gateway.mqttPort());
                KapuaClient.Received stats = null;
                String statsTopic = "acme/" + GW + "/STATS/temperature/room1";
                for (int attempt = 0; attempt < 5 && stats == null; attempt++) {
                    Thread.sleep(1000 - System.currentTimeMillis() % 1000); // to the start of the next window
                    for (String value : new String[] {"10", "20", "30"}) {
                        sensor.publish("sensors/temp/room1", value.getBytes(StandardCharsets.UTF_8), 1, false);
                    }
                    KapuaClient.Received window = kapua.await("the window's aggregate", Duration.ofSeconds(5),
                            statsTopic::equals);
                    stats = Long.valueOf(3).equals(window.metric("count")) ? window : null; // else the window was split
                }
                assertThat(stats).as("an aggregate of 10, 20, 30; received " + kapua.received().size()
                        + " messages; routes " + gateway.health().path("subsystems").path("cloud").path("details")
                                .path("routes")).isNotNull();
                assertThat(stats.topic()).isEqualTo("acme/" + GW + "/STATS/temperature/room1");
                assertThat(stats.metric("min")).isEqualTo(10.0);
                assertThat(stats.metric("max")).isEqualTo(30.0);
                assertThat(stats.metric("mean")).isEqualTo(20.0);
                sensor.disconnect();

                // a cloud command reaches a local device
                try (var device = Mosquitto.subscribe(gateway.mqttPort(), "sensor", "sensor-pass", 60, "actuators/#")) {
                    io.hybridge.itests.wire.KuraPayloadProto.KuraPayload command =
                            io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.newBuilder()
                                    .setBody(com.google.protobuf.ByteString.copyFromUtf8("on")).build();
                    Wait.until("command delivered locally", DEADLINE, () -> {
                        try {
                            kapua.publish(ACCOUNT + "/" + GW + "/CMD/lights/hall", command.toByteArray());
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                        return device.received("actuators/lights/hall on") ? true : null;
                    });
                }
            }
        }
    }

    private static MqttClient sensor(int port) throws Exception {
        MqttClient sensor = new MqttClient("tcp://127.0.0.1:" + port, "sensor-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setUserName("sensor");
        options.setPassword("sensor-pass".toCharArray());
        // publishes are synchronous, yet one run saw Paho's "Too many publishes in progress" at its
        // default of 10 in flight under load; the count is Paho's bookkeeping, not the gateway's
        options.setMaxInflight(100);
        sensor.connect(options);
        return sensor;
    }

    private static boolean connected(GatewayProcess gateway) {
        return gateway.health().path("subsystems").path("cloud").path("details").path("connected").asBoolean();
    }

    private static long storeMessages(GatewayProcess gateway) {
        return gateway.health().path("subsystems").path("cloud").path("details").path("store").path("messages").asLong();
    }
}
