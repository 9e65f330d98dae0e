package io.hybridge.fleet;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import io.hybridge.fleet.http.UnitServer;
import io.hybridge.fleet.inventory.Inventory;
import io.hybridge.fleet.rollout.EngineSettings;
import io.hybridge.fleet.rollout.RolloutEngine;
import io.hybridge.fleet.rollout.RolloutService;
import io.hybridge.fleet.rollout.Unit;
import io.hybridge.fleet.store.FleetStore;
import io.hybridge.fleet.wire.FleetMqtt;
import io.hybridge.fleet.wire.MqttSettings;
import io.hybridge.fleet.wire.RequestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running fleet manager: one broker connection, the inventory (seeded from the store, every
 * change written back), the file server for units, and the rollout engine. What
 * {@code hybridge-fleet serve} runs; tests and the benchmark start it the same way.
 */
public final class FleetManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetManager.class);

    private final FleetStore store;
    private final FleetMqtt mqtt;
    private final Inventory inventory = new Inventory();
    private final ScheduledExecutorService timer;
    private final RequestClient requests;
    private final UnitServer files;
    private final RolloutEngine engine;
    private final Map<String, Path> filesBySha = new ConcurrentHashMap<>();

    /**
     * @param httpBind   where to serve unit files, or {@code null} for none (units must have URIs)
     * @param publicHost the host gateways reach {@code httpBind} by, or {@code null}
     */
    public FleetManager(FleetStore store, MqttSettings broker, InetSocketAddress httpBind, String publicHost,
            EngineSettings settings) throws Exception {
        this.store = store;
        this.mqtt = new FleetMqtt(broker);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-request-timer");
            t.setDaemon(true);
            return t;
        });
        this.requests = new RequestClient(mqtt, timer);
        this.files = httpBind == null ? null : new UnitServer(httpBind, publicHost, 16, this::fileOf);
        inventory.load(store.gateways());
        inventory.addListener(g -> {
            try {
                if (g.online()) {
                    store.saveGateway(g);
                } else {
                    store.saveGatewayOnline(g);
                }
            } catch (SQLException e) {
                LOG.warn("cannot store the inventory entry of {}: {}", g.id(), e.toString());
            }
        });
        mqtt.addListener(inventory::onMessage);
        this.engine = new RolloutEngine(store, inventory, mqtt, requests, this::locate, settings);
    }

    /** Connects to the broker and starts driving rollouts. */
    public FleetManager start() throws Exception {
        mqtt.connect();
        engine.start();
        return this;
    }

    private String locate(Unit unit) {
        if (unit.uri() != null) {
            return unit.uri();
        }
        if (files == null) {
            throw new IllegalStateException("unit " + unit.label() + " is a file and this manager serves no files (start it with --http)");
        }
        return files.url(unit.sha256Hex(), Path.of(unit.filePath()).getFileName().toString());
    }

    private Path fileOf(String sha256) {
        return filesBySha.computeIfAbsent(sha256, s -> {
            try {
                return store.unitBySha256(s).map(u -> Path.of(u.filePath())).orElse(null);
            } catch (SQLException e) {
                return null;
            }
        });
    }

    public FleetStore store() {
        return store;
    }

    public Inventory inventory() {
        return inventory;
    }

    public RolloutEngine engine() {
        return engine;
    }

    public RolloutService rollouts(String defaultAccount) {
        return new RolloutService(store, defaultAccount);
    }

    public UnitServer files() {
        return files;
    }

    @Override
    public void close() {
        engine.close();
        mqtt.close();
        if (files != null) {
            files.close();
        }
        timer.shutdownNow();
    }
}
