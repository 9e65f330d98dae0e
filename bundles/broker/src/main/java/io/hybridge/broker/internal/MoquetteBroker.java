package io.hybridge.broker.internal;

import java.util.Collection;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

import io.hybridge.api.bus.LocalBus;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;

/**
 * One running Moquette instance, listening on plain TCP.
 *
 * <p>Persistence is off: sessions, queued QoS 1/2 messages and retained messages live in memory
 * and are lost when the broker restarts (a configuration change, a bundle update, a reboot). The
 * bus carries live sensor readings that are republished anyway; in exchange nothing wears the
 * SD card of a small board, no data directory needs managing and the bundle does not carry the
 * H2 store. Moquette's other extras are switched off too: its telemetry, which would report to
 * telemetry.moquette.io from a customer's gateway, metrics, Bugsnag, native epoll, WebSocket
 * and TLS listeners.
 *
 * <p>Each instance carries its in-process {@link MoquetteBus}, which ends when the broker stops.
 */
final class MoquetteBroker {

    private final Server server;
    private final MoquetteBus bus;

    private MoquetteBroker(Server server, MoquetteBus bus) {
        this.server = server;
        this.bus = bus;
    }

    /**
     * Starts listening; blocks until the port is bound.
     *
     * @param policy who may connect, publish and subscribe
     * @param loopFailed told when one of Moquette's session loops dies (see {@link SessionLoopWatch})
     * @throws RuntimeException when Moquette cannot start, e.g. the port is in use (its message
     *     names the port)
     */
    static <P extends IAuthenticator & IAuthorizatorPolicy> MoquetteBroker start(BrokerSettings settings, P policy,
            ConnectedClients clients, Consumer<Throwable> loopFailed) throws Exception {
        Server server = new Server();
        MoquetteBus bus = new MoquetteBus(server);
        try {
            server.startServer(new MemoryConfig(properties(settings)),
                    List.of(clients, bus.interceptor(), new SessionLoopWatch(loopFailed)), null, policy, policy);
        } catch (Exception | LinkageError e) {
            bus.close();
            try {
                server.stopServer(); // Moquette leaves its threads running when binding fails
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        return new MoquetteBroker(server, bus);
    }

    static Properties properties(BrokerSettings settings) {
        Properties properties = new Properties();
        properties.setProperty("host", settings.host());
        properties.setProperty("port", Integer.toString(settings.port()));
        properties.setProperty("allow_anonymous", Boolean.toString(settings.allowAnonymous()));
        properties.setProperty("netty.mqtt.message_size", Integer.toString(settings.maxMessageSize()));
        // MQTT 3.1.1 clients (mosquitto_pub/sub among them) may leave the id to the broker
        properties.setProperty("allow_zero_byte_client_id", "true");
        // a persistent session's subscriptions are checked against the account again on reconnect
        properties.setProperty("reauthorize_subscriptions_on_connect", "true");
        properties.setProperty("persistence_enabled", "false");
        properties.setProperty("telemetry_enabled", "false");
        properties.setProperty("use_metrics", "false");
        properties.setProperty("use_bugsnag", "false");
        properties.setProperty("netty.epoll", "false");
        properties.setProperty("websocket_port", "disabled");
        // One interceptor thread (Moquette's default, made explicit): ConnectedClients needs
        // connects and disconnects in order, and the bus interceptor only copies and queues.
        properties.setProperty("intercept.thread_pool.size", "1");
        // no ssl_port / secure_websocket_port: their mere presence makes Moquette set up TLS
        return properties;
    }

    int connectedClients() {
        return server.listConnectedClients().size();
    }

    void disconnect(Collection<String> clientIds) {
        clientIds.forEach(server::disconnectClient);
    }

    int busSubscriptions() {
        return bus.subscriptionCount();
    }

    /** The in-process bus of this broker run. */
    LocalBus bus() {
        return bus;
    }

    void stop() {
        bus.close();
        server.stopServer();
    }
}
