package io.hybridge.cloud.internal.link;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.cloud.BirthContributor;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.device.DeviceProfile;
import io.hybridge.cloud.internal.store.StoreStats;

/**
 * The payloads of the lifecycle messages: BIRTH and APPS carry the gateway's description with the
 * metric names Kapua shows (ARCHITECTURE.md lists them), all with real values; DC and LWT carry
 * the uptime. Hybridge adds its store's figures under {@code store.*} so that a backlog or
 * dropped messages are visible in the cloud at every (re)connect.
 */
final class BirthMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(BirthMetrics.class);

    private final String hybridgeVersion;

    BirthMetrics(String hybridgeVersion) {
        this.hybridgeVersion = hybridgeVersion;
    }

    /** What one BIRTH/APPS describes. */
    record Facts(CloudSettings settings, DeviceProfile profile, Collection<String> applicationIds, StoreStats store,
            Collection<BirthContributor> contributors) {
        Facts(CloudSettings settings, DeviceProfile profile, Collection<String> applicationIds, StoreStats store) {
            this(settings, profile, applicationIds, store, List.of());
        }
    }

    KuraPayload birth(Facts facts) {
        Runtime runtime = Runtime.getRuntime();
        DeviceProfile profile = facts.profile();
        String modelName = profile == null ? "unknown" : profile.name();
        String displayName = facts.settings().displayName() != null ? facts.settings().displayName()
                : profile == null ? facts.settings().clientId() : profile.name();
        KuraPayload.Builder birth = KuraPayload.builder()
                .timestamp(Instant.now())
                .metric("uptime", uptimeMillis())
                .metric("display_name", displayName)
                .metric("model_name", modelName)
                .metric("model_id", profile == null ? "unknown" : profile.id())
                .metric("serial_number", serialNumber())
                .metric("firmware_version", "hybridge-" + hybridgeVersion)
                .metric("os", System.getProperty("os.name"))
                .metric("os_version", System.getProperty("os.version"))
                .metric("os_arch", System.getProperty("os.arch"))
                .metric("jvm_name", System.getProperty("java.vm.name"))
                .metric("jvm_version", System.getProperty("java.vm.version"))
                .metric("jvm_vendor", System.getProperty("java.vm.vendor"))
                .metric("application_framework", "Hybridge")
                .metric("application_framework_version", hybridgeVersion)
                .metric("application_ids", String.join(",", facts.applicationIds()))
                .metric("available_processors", runtime.availableProcessors())
                .metric("total_memory", runtime.totalMemory() / 1024) // KiB, as Kura reports it
                .metric("free_memory", runtime.freeMemory() / 1024)
                .metric("connection_ip", connectionIp(facts.settings().uri()));
        StoreStats store = facts.store();
        if (store != null) {
            birth.metric("store.messages", store.messages())
                    .metric("store.bytes", store.bytes())
                    .metric("store.dropped", store.dropped())
                    .metric("store.refused", store.refused())
                    .metric("store.oldest.age.seconds", store.oldestAge().map(d -> d.toSeconds()).orElse(0L));
            store.quarantinedFile().ifPresent(file -> birth.metric("store.quarantined.file", file.toString()));
        }
        addContributed(birth, facts.contributors());
        return birth.build();
    }

    /**
     * Other bundles' metrics, after the cloud link's own: a contributor cannot change what Kapua
     * shows as the gateway's identity, and a failing one costs only its own metrics.
     */
    private static void addContributed(KuraPayload.Builder birth, Collection<BirthContributor> contributors) {
        Set<String> own = birth.build().metricNames();
        for (BirthContributor contributor : contributors) {
            try {
                contributor.birthMetrics().forEach((name, value) -> {
                    if (name == null || value == null) {
                        return;
                    }
                    if (own.contains(name)) {
                        LOG.warn("BIRTH metric {} from {} ignored: the cloud link sets it", name, contributor);
                        return;
                    }
                    birth.metric(name, value);
                });
            } catch (RuntimeException e) {
                LOG.warn("BIRTH metrics of {} left out: {}", contributor, e.toString());
            }
        }
    }

    /** DC and LWT: the time and how long the gateway had been up. */
    KuraPayload disconnect() {
        return KuraPayload.builder().timestamp(Instant.now()).metric("uptime", uptimeMillis()).build();
    }

    private static long uptimeMillis() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /**
     * The board's serial where Linux tells it (device tree on ARM boards, DMI on PCs), else the
     * systemd machine id, which is at least stable and unique per installation.
     */
    static String serialNumber() {
        for (String candidate : new String[] {"/sys/firmware/devicetree/base/serial-number",
                "/sys/class/dmi/id/product_serial", "/etc/machine-id"}) {
            try {
                String value = Files.readString(Path.of(candidate)).replace("\u0000", "").trim();
                if (!value.isEmpty() && !value.equalsIgnoreCase("to be filled by o.e.m.")) {
                    return value;
                }
            } catch (IOException | SecurityException e) {
                // next candidate
            }
        }
        return "unknown";
    }

    /**
     * The local address the gateway reaches the broker from: a connected UDP socket asks the
     * kernel's routing table without sending a packet.
     */
    static String connectionIp(String brokerUri) {
        try {
            URI uri = URI.create(brokerUri);
            int port = uri.getPort() > 0 ? uri.getPort() : 1883;
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.connect(new InetSocketAddress(InetAddress.getByName(uri.getHost()), port));
                return socket.getLocalAddress().getHostAddress();
            }
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
