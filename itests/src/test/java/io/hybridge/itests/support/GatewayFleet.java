package io.hybridge.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;

import io.hybridge.fleet.FleetManager;
import io.hybridge.fleet.inventory.Gateway;
import io.hybridge.fleet.rollout.EngineSettings;
import io.hybridge.fleet.sign.UnitKeys;
import io.hybridge.fleet.store.FleetStore;
import io.hybridge.fleet.wire.MqttSettings;

/**
 * N real gateway installations on one Mosquitto cloud broker, all trusting one fleet key, and
 * the fleet rollout manager (the {@code hybridge-fleet} library, H2 in a temp dir) that sees them
 * through their BIRTHs. Shared by {@code FleetOfGatewaysIT} and {@code OtaBenchmark}.
 *
 * <p>Each gateway runs the {@code core} feature only (no web console: 20 consoles would cost
 * memory and start-up CPU and nothing here uses them) with a small heap.
 */
public final class GatewayFleet implements AutoCloseable {
    public static final String ACCOUNT = "acme";
    /** The deadline for all of them to be up: they start at once and share the machine's cores. */
    private static final Duration START_ALL = Duration.ofSeconds(240);

    private final Path dir;
    private final CloudBroker broker;
    private final UnitKeys keys;
    private final List<GatewayProcess> gateways = new ArrayList<>();
    private FleetStore store;
    private FleetManager manager;

    private GatewayFleet(Path dir, CloudBroker broker, UnitKeys keys) {
        this.dir = dir;
        this.broker = broker;
        this.keys = keys;
    }

    /** Makes a fleet key and installs {@code count} gateways {@code gw-01..} configured for it; nothing runs yet. */
    public static GatewayFleet install(Path dir, CloudBroker broker, int count, String heap, int healthGateSeconds)
            throws IOException {
        Path keyFile = dir.resolve("fleet.key");
        UnitKeys.generate().write(keyFile, dir.resolve("fleet.pub"));
        GatewayFleet fleet = new GatewayFleet(dir, broker, UnitKeys.readPrivate(keyFile));
        String trusted = Base64.getEncoder().encodeToString(fleet.keys.publicKey().getEncoded());
        for (int i = 1; i <= count; i++) {
            String id = String.format("gw-%02d", i);
            GatewayProcess gateway = GatewayProcess.install(dir.resolve("gateways"), id)
                    .env("HYBRIDGE_CLOUD_URI", broker.uri())
                    .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                    .env("HYBRIDGE_CLIENT_ID", id)
                    .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                    .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD)
                    .env("HYBRIDGE_HEAP", heap)
                    // no class-data-sharing archive: 20 JVMs dumping one each at their first clean stop
                    // take longer on 2 cores than the stop deadline
                    .env("HYBRIDGE_CDS", "off");
            Path properties = gateway.home().resolve("etc/framework.properties");
            Files.writeString(properties, Files.readString(properties)
                    .replace("hybridge.features=core,console", "hybridge.features=core"));
            Files.writeString(gateway.home().resolve("etc/config/io.hybridge.deploy.config"), """
                    trustedKeys=["%s"]
                    healthGateSeconds=I"%d"
                    """.formatted(trusted, healthGateSeconds));
            fleet.gateways.add(gateway);
        }
        return fleet;
    }

    /**
     * Starts every gateway at once and waits until each answers /health and its OTA agent runs
     * with the fleet key (the deploy configuration arrives through FileInstall after readiness).
     */
    public void startAll() throws Exception {
        for (GatewayProcess gateway : gateways) {
            gateway.start();
        }
        String keyId = keys.keyId();
        ExecutorService waiters = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> ready = new ArrayList<>();
            for (GatewayProcess gateway : gateways) {
                ready.add(waiters.submit(() -> Wait.until(gateway.home().getFileName() + " ready with the fleet key", START_ALL,
                        () -> {
                            if (!gateway.alive()) {
                                throw new AssertionError(gateway.home().getFileName() + " exited:\n" + gateway.consoleLog());
                            }
                            return gateway.healthStatusCode() == 200 && gateway.health().toString().contains(keyId);
                        },
                        // what the gateway said at the deadline: a failure here must explain itself
                        () -> "/health " + gateway.healthStatusCode() + ": " + gateway.health() + "\nlog tail:\n"
                                + gateway.logTail())));
            }
            for (Future<?> f : ready) {
                f.get();
            }
        } finally {
            waiters.shutdownNow();
        }
    }

    /** Starts the fleet manager against the broker, H2 under {@code dir/fleet-db}, units served on loopback. */
    public FleetManager startManager(EngineSettings settings) throws Exception {
        store = FleetStore.open(FleetStore.h2Url(dir.resolve("fleet-db")), null, null);
        manager = new FleetManager(store, new MqttSettings(broker.uri(), "fleet-e2e", CloudBroker.OPERATOR,
                CloudBroker.OPERATOR_PASSWORD), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, settings)
                .start();
        return manager;
    }

    /** Waits until the manager's inventory has every gateway online and stored (rollouts are planned from the store). */
    public void awaitInventory(Duration deadline) {
        Wait.until(gateways.size() + " gateways online in the fleet inventory", deadline, () -> {
            long online = manager.inventory().all().stream().filter(Gateway::online).count();
            try {
                return online == gateways.size() && store.gateways().size() == gateways.size();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** The inventory entry of a gateway, or null. */
    public Gateway inventoryEntry(String clientId) {
        return manager.inventory().all().stream().filter(g -> g.id().clientId().equals(clientId)).findFirst().orElse(null);
    }

    public List<GatewayProcess> gateways() {
        return gateways;
    }

    public List<String> clientIds() {
        return gateways.stream().map(g -> g.home().getFileName().toString()).toList();
    }

    public UnitKeys keys() {
        return keys;
    }

    public FleetStore store() {
        return store;
    }

    @Override
    public void close() throws Exception {
        if (manager != null) {
            manager.close();
        }
        if (store != null) {
            store.close();
        }
        // SIGTERM to all first, then wait: stopping one after the other would take 20 shutdowns in a row
        for (GatewayProcess gateway : gateways) {
            if (gateway.alive()) {
                ProcessHandle.of(gateway.supervisorPid()).ifPresent(ProcessHandle::destroy);
            }
        }
        for (GatewayProcess gateway : gateways) {
            gateway.close();
        }
    }

    // ---- units ---------------------------------------------------------------------------------

    /**
     * A bundle jar: a manifest, optionally a {@code Bundle-Activator} (a class that is not in the
     * jar makes the bundle fail to start, which is how a broken release looks to the health gate)
     * and a stored (uncompressed) filler of {@code fillerBytes} random bytes to reach a size.
     */
    public static byte[] bundle(String symbolicName, String version, String activator, int fillerBytes, Map<String, byte[]> entries)
            throws IOException {
        return bundle(symbolicName, version, activator, fillerBytes, entries, Map.of());
    }

    /** {@link #bundle(String, String, String, int, Map)} with more manifest headers (e.g. Import-Package). */
    public static byte[] bundle(String symbolicName, String version, String activator, int fillerBytes, Map<String, byte[]> entries,
            Map<String, String> headers) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        if (activator != null) {
            main.putValue("Bundle-Activator", activator);
        }
        headers.forEach(main::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("hello.txt"));
            jar.write(("hello from " + symbolicName + " " + version).getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                jar.putNextEntry(new ZipEntry(e.getKey()));
                jar.write(e.getValue());
                jar.closeEntry();
            }
            if (fillerBytes > 0) {
                byte[] filler = new byte[fillerBytes];
                new java.util.Random(version.hashCode()).nextBytes(filler);
                ZipEntry data = new ZipEntry("filler.bin");
                data.setMethod(ZipEntry.STORED);
                data.setSize(filler.length);
                CRC32 crc = new CRC32();
                crc.update(filler);
                data.setCrc(crc.getValue());
                jar.putNextEntry(data);
                jar.write(filler);
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
