package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.Engines;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Ports;
import io.hybridge.itests.support.Wait;

/**
 * The embedded broker with accounts and ACLs from the initial configuration, driven by real
 * Mosquitto clients. A refused message is proven absent by a probe the same publisher sends
 * right after it: the probe's arrival means the refused one would have arrived first.
 */
class LocalBrokerIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void acceptsAccountsRefusesBadCredentialsAndEnforcesTopicAcls() throws Exception {
        Mosquitto.require();
        GatewayProcess gateway = GatewayProcess.install(dir, "gw");
        Path config = gateway.home().resolve("etc/config");
        Files.writeString(config.resolve("io.hybridge.broker.account-sensor.config"), """
                username="sensor"
                password="sensor-pass"
                publish=["sensors/sensor/#"]
                subscribe=["commands/sensor/#"]
                """);
        Files.writeString(config.resolve("io.hybridge.broker.account-analytics.config"), """
                username="analytics"
                password="analytics-pass"
                publish=["results/#","commands/#"]
                subscribe=["sensors/#","secret/#"]
                """);
        try (gateway) {
            gateway.startAndAwaitReady();
            int port = gateway.mqttPort();

            try (var reader = Mosquitto.subscribe(port, "analytics", "analytics-pass", 60, "sensors/#", "secret/#")) {
                // authenticated publish reaches an authorised reader (repeated until the subscription is in place)
                Wait.until("sensor's reading delivered to analytics", DEADLINE, () ->
                        Mosquitto.publish(port, "sensor", "sensor-pass", "sensors/sensor/temp", "21.5").ok()
                                && awaitLine(reader, "sensors/sensor/temp 21.5"));

                // a publish outside the publisher's ACL is not delivered
                Mosquitto.publish(port, "sensor", "sensor-pass", "secret/plans", "leak", 0);
                assertThat(Mosquitto.publish(port, "sensor", "sensor-pass", "sensors/sensor/probe", "p1").ok()).isTrue();
                Wait.until("probe after the refused publish", DEADLINE, () -> reader.received("sensors/sensor/probe p1"));
                assertThat(reader.lines()).noneMatch(line -> line.contains("leak"));
            }

            // a subscription outside the account's ACL receives nothing
            try (var sneaky = Mosquitto.subscribe(port, "sensor", "sensor-pass", 60, "results/#", "commands/sensor/#")) {
                Wait.until("sensor's own command subscription in place", DEADLINE, () ->
                        Mosquitto.publish(port, "analytics", "analytics-pass", "commands/sensor/c", "go").ok()
                                && awaitLine(sneaky, "commands/sensor/c go"));
                assertThat(Mosquitto.publish(port, "analytics", "analytics-pass", "results/r1", "42").ok()).isTrue();
                assertThat(Mosquitto.publish(port, "analytics", "analytics-pass", "commands/sensor/c", "probe").ok()).isTrue();
                Wait.until("probe after the forbidden topic", DEADLINE, () -> sneaky.received("commands/sensor/c probe"));
                assertThat(sneaky.lines()).noneMatch(line -> line.startsWith("results/"));
            }

            // bad credentials and unknown users are refused at connect, and logged
            var wrongPassword = Mosquitto.publish(port, "sensor", "nope", "sensors/sensor/temp", "1");
            assertThat(wrongPassword.ok()).isFalse();
            assertThat(wrongPassword.output()).containsIgnoringCase("bad user name or password");
            assertThat(Mosquitto.publish(port, "intruder", "x", "sensors/sensor/temp", "1").ok()).isFalse();
            Wait.until("refused login logged", DEADLINE, () -> gateway.log().contains("intruder"));
        }
    }

    @Test
    void canBeSwitchedOffSoAnExternalBrokerServesTheBus() throws Exception {
        Mosquitto.require();
        int externalPort = Integer.parseInt(System.getenv().getOrDefault("HYBRIDGE_PEER_MQTT_PORT", "18831"));
        if (!Ports.listening(externalPort)) {
            String reason = "no external Mosquitto on 127.0.0.1:" + externalPort + ": run itests/provision/provision.sh";
            if (Engines.ci()) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
        GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_MQTT_PORT", Integer.toString(externalPort));
        Files.writeString(gateway.home().resolve("etc/config/io.hybridge.broker.cfg"), "enabled=false\n");
        try (gateway) {
            gateway.startAndAwaitReady();
            var broker = gateway.health().path("subsystems").path("broker");
            assertThat(broker.path("status").asText()).isEqualTo("DISABLED");
            assertThat(gateway.health().path("status").asText()).isEqualTo("UP");
            // the external broker keeps its port and serves clients
            var result = Mosquitto.publish(externalPort, "hybridge-peer", "peer-pass", "sensors/x", "1");
            assertThat(result.ok()).as(result.output()).isTrue();
        }
    }

    /** Gives a just-published message a moment to arrive; false lets the caller publish again. */
    private static boolean awaitLine(Mosquitto.Subscription subscription, String line) {
        try {
            Wait.until(line, Duration.ofSeconds(2), () -> subscription.received(line));
            return true;
        } catch (AssertionError notYet) {
            return false;
        }
    }
}
