package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthStatus;

/** The broker's lifecycle and health, built with plain {@code new} as SCR would build it. */
class LocalBrokerTest {

    private static final Duration SETTLE = Duration.ofSeconds(20);
    private LocalBroker broker;

    static Map<String, Object> loopback(Object port) {
        Map<String, Object> config = new HashMap<>();
        config.put("host", "127.0.0.1");
        config.put("port", port);
        return config;
    }

    private LocalBroker start(Map<String, Object> config, Map<String, String> framework) throws Exception {
        broker = new LocalBroker(Configs.of(BrokerConfig.class, config), config, framework::get, new Accounts());
        assertThat(broker.awaitSettled(SETTLE)).isTrue();
        return broker;
    }

    private void change(Map<String, Object> config) throws Exception {
        broker.modified(Configs.of(BrokerConfig.class, config), config);
        assertThat(broker.awaitSettled(SETTLE)).isTrue();
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.deactivate();
        }
    }

    @Test
    void runsOnAFreePortAndReportsUp() throws Exception {
        Health health = start(loopback(freePort()), Map.of()).health();

        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(broker.subsystem()).isEqualTo("broker");
        assertThat(health.details()).containsEntry("host", "127.0.0.1").containsEntry("accounts", 0)
                .containsEntry("clients", 0).containsKey("port");
        assertThat(accepts(port(health))).isTrue();
    }

    @Test
    void usesTheFrameworkPropertyWhenNoPortIsConfigured() throws Exception {
        int free = freePort();
        Map<String, Object> config = loopback(null);
        config.remove("port");
        Health health = start(config, Map.of("hybridge.mqtt.port", Integer.toString(free))).health();
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(port(health)).isEqualTo(free);
    }

    @Test
    void switchedOffReportsDisabledAndListensNowhere() throws Exception {
        int free = freePort();
        Map<String, Object> config = loopback(free);
        config.put("enabled", false);
        Health health = start(config, Map.of()).health();

        assertThat(health.status()).isEqualTo(HealthStatus.DISABLED);
        assertThat(health.message()).isEqualTo("local broker switched off; an external broker is used");
        assertThat(accepts(free)).isFalse();
    }

    @Test
    void portInUseReportsDownWithTheBindError() throws Exception {
        try (ServerSocket taken = bindLoopback()) {
            Health health = start(loopback(taken.getLocalPort()), Map.of()).health();

            assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(health.message()).contains("127.0.0.1:" + taken.getLocalPort())
                    .containsIgnoringCase("bind");
        }
    }

    @Test
    void invalidInitialConfigurationReportsDown() throws Exception {
        Health health = start(loopback(70000), Map.of()).health();
        assertThat(health.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(health.message()).contains("'port'").contains("between 1 and 65535");
    }

    @Test
    void invalidChangeKeepsTheRunningBroker() throws Exception {
        int port = port(start(loopback(freePort()), Map.of()).health());

        change(loopback(70000));

        Health health = broker.health();
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(port(health)).isEqualTo(port);
        assertThat(accepts(port)).isTrue();
    }

    @Test
    void changeThatCannotStartBringsThePreviousBrokerBack() throws Exception {
        int port = port(start(loopback(freePort()), Map.of()).health());
        try (ServerSocket taken = bindLoopback()) {
            change(loopback(taken.getLocalPort()));

            Health health = broker.health();
            assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
            assertThat(health.message()).contains("127.0.0.1:" + taken.getLocalPort()).contains("previous configuration");
            assertThat(accepts(port(health))).isTrue();
        }
    }

    @Test
    void validChangeRestartsOnTheNewPort() throws Exception {
        start(loopback(freePort()), Map.of());
        int next = freePort();

        change(loopback(next));

        Health health = broker.health();
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(port(health)).isEqualTo(next);
        assertThat(accepts(next)).isTrue();
    }

    @Test
    void switchingOffStopsListening() throws Exception {
        int port = freePort();
        start(loopback(port), Map.of());
        Map<String, Object> off = loopback(port);
        off.put("enabled", false);

        change(off);

        assertThat(broker.health().status()).isEqualTo(HealthStatus.DISABLED);
        assertThat(accepts(port)).isFalse();
    }

    static int port(Health health) {
        return (Integer) health.details().get("port");
    }

    private static ServerSocket bindLoopback() throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return socket;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = bindLoopback()) {
            return socket.getLocalPort();
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
