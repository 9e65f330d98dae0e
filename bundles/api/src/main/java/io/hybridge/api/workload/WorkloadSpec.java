package io.hybridge.api.workload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What should run: one declarative description, the same for every runtime. The supervisor
 * keeps it true; it is validated (with errors naming the field) before anything uses it, so a
 * runtime may rely on the invariants documented here.
 *
 * <p>Collections are never null and are unmodifiable; absent optional values use the defaults
 * of the nested types. The JSON form (the {@code *.workload.json} files, {@code WORKLOADS-V1})
 * and the Config Admin form (factory PID {@code io.hybridge.workload}) are documented in the
 * workloads bundle's README.
 *
 * @param name         unique on the gateway: lower-case letters, digits and '-', 1–63, starting
 *                     with a letter
 * @param description  for operators; may be empty
 * @param runtime      where it runs
 * @param image        what it runs
 * @param command      arguments replacing the image's default command; empty keeps it
 * @param resources    limits
 * @param env          environment variables (names {@code [A-Za-z_][A-Za-z0-9_]*})
 * @param ports        published ports
 * @param volumes      mounts
 * @param devices      host devices passed through
 * @param network      {@code bridge} (default; the gateway's broker is reachable),
 *                     {@code host} or {@code none}
 * @param readOnlyRootFilesystem whether the root file system is mounted read-only
 * @param restartPolicy what happens when it exits
 * @param healthCheck  how the gateway decides it is healthy
 * @param bus          what it may do on the local broker (its own account)
 * @param replicas     how many instances, 0–16 (0 keeps the spec without running it)
 * @param logs         log capture and forwarding
 * @param options      runtime-specific settings (documented by each runtime), validated by it
 */
public record WorkloadSpec(
        String name,
        String description,
        RuntimeType runtime,
        Image image,
        List<String> command,
        Resources resources,
        Map<String, String> env,
        List<Port> ports,
        List<Volume> volumes,
        List<Device> devices,
        String network,
        boolean readOnlyRootFilesystem,
        RestartPolicy restartPolicy,
        HealthCheck healthCheck,
        BusAccess bus,
        int replicas,
        Logs logs,
        Map<String, String> options) {

    public WorkloadSpec {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        runtime = runtime == null ? RuntimeType.CONTAINER : runtime;
        Objects.requireNonNull(image, "image");
        command = command == null ? List.of() : List.copyOf(command);
        resources = resources == null ? Resources.UNLIMITED : resources;
        env = env == null ? Map.of() : Map.copyOf(env);
        ports = ports == null ? List.of() : List.copyOf(ports);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
        devices = devices == null ? List.of() : List.copyOf(devices);
        network = network == null ? "bridge" : network;
        restartPolicy = restartPolicy == null ? RestartPolicy.DEFAULT : restartPolicy;
        healthCheck = healthCheck == null ? HealthCheck.PROCESS : healthCheck;
        bus = bus == null ? BusAccess.NONE : bus;
        logs = logs == null ? Logs.DEFAULT : logs;
        options = options == null ? Map.of() : Map.copyOf(options);
    }

    /** When to fetch the image. */
    public enum PullPolicy {
        /** Use only what is present (loaded from {@link Image#archive} if given); never contact a registry. */
        NEVER,
        /** Pull when not present (default). A digest reference is pulled once and is immutable. */
        IF_NOT_PRESENT,
        /** Pull a moving tag again at every prepare. */
        ALWAYS;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * @param reference  {@code [registry/]repository[:tag][@sha256:<64 hex>]}; a digest pins the
     *                   content and is checked after the pull
     * @param pullPolicy when to fetch it
     * @param archive    absolute path of an image archive on the gateway (container: a
     *                   {@code docker save} tar; unikernel: an OCI image layout or artifact) to
     *                   load when the image is not present, for offline gateways; may be empty.
     *                   A leading {@code ~/} is the home directory of the user the gateway runs as
     *                   (where a build on the same machine leaves its images)
     */
    public record Image(String reference, PullPolicy pullPolicy, String archive) {
        public Image {
            Objects.requireNonNull(reference, "reference");
            pullPolicy = pullPolicy == null ? PullPolicy.IF_NOT_PRESENT : pullPolicy;
            archive = archive == null ? "" : archive;
        }

        /** The {@code sha256:…} digest the reference pins, or empty. */
        public String digest() {
            int at = reference.indexOf('@');
            return at < 0 ? "" : reference.substring(at + 1);
        }

        /** The archive as a path on this gateway ({@code ~/} expanded), or empty when there is none. */
        public Optional<Path> archivePath() {
            if (archive.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(archive.startsWith("~/")
                    ? Path.of(System.getProperty("user.home")).resolve(archive.substring(2))
                    : Path.of(archive));
        }
    }

    /**
     * @param cpus      CPU time as a number of CPUs (0.5 = half of one); 0 = no limit
     * @param memoryMiB memory limit; 0 = no limit
     * @param pids      process/thread limit; 0 = no limit
     */
    public record Resources(double cpus, long memoryMiB, int pids) {
        public static final Resources UNLIMITED = new Resources(0, 0, 0);
    }

    /**
     * @param hostIp        address to bind on the gateway; empty = all
     * @param hostPort      1–65535
     * @param containerPort 1–65535
     * @param protocol      {@code tcp} or {@code udp}
     */
    public record Port(String hostIp, int hostPort, int containerPort, String protocol) {
        public Port {
            hostIp = hostIp == null ? "" : hostIp;
            protocol = protocol == null ? "tcp" : protocol;
        }
    }

    /** Kinds of mount. */
    public enum VolumeType {
        /** A host directory or file ({@code source} absolute). */
        BIND,
        /** An engine-managed named volume ({@code source} its name), kept across recreation. */
        VOLUME,
        /** Memory-backed, empty at every start ({@code sizeMiB} caps it). */
        TMPFS;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param type     kind
     * @param source   host path (bind) or volume name (volume); empty for tmpfs
     * @param target   absolute path inside the workload
     * @param readOnly whether mounted read-only
     * @param sizeMiB  tmpfs size; 0 = engine default
     */
    public record Volume(VolumeType type, String source, String target, boolean readOnly, long sizeMiB) {
        public Volume {
            Objects.requireNonNull(type, "type");
            source = source == null ? "" : source;
            Objects.requireNonNull(target, "target");
        }
    }

    /**
     * @param hostPath      e.g. {@code /dev/video0}; must exist when the workload starts
     * @param containerPath path inside; defaults to the host path
     * @param permissions   cgroup permissions, some of {@code rwm}
     */
    public record Device(String hostPath, String containerPath, String permissions) {
        public Device {
            Objects.requireNonNull(hostPath, "hostPath");
            containerPath = containerPath == null || containerPath.isEmpty() ? hostPath : containerPath;
            permissions = permissions == null || permissions.isEmpty() ? "rwm" : permissions;
        }
    }

    /** When the supervisor starts a workload again after it exits. */
    public enum RestartMode {
        NEVER, ON_FAILURE, ALWAYS;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * Restarts wait {@code initialBackoff × multiplier^(n-1)}, capped at {@code maxBackoff}. A
     * run that lasted {@code stableAfter} resets the count. After {@code crashLoopLimit}
     * consecutive failed runs the workload is left stopped in {@code crash-loop} until an
     * operator restarts it or changes its spec.
     */
    public record RestartPolicy(RestartMode mode, Duration initialBackoff, Duration maxBackoff,
                                double multiplier, int crashLoopLimit, Duration stableAfter) {
        public static final RestartPolicy DEFAULT = new RestartPolicy(RestartMode.ON_FAILURE,
                Duration.ofSeconds(1), Duration.ofSeconds(60), 2.0, 5, Duration.ofSeconds(60));

        public RestartPolicy {
            mode = mode == null ? RestartMode.ON_FAILURE : mode;
            initialBackoff = initialBackoff == null ? Duration.ofSeconds(1) : initialBackoff;
            maxBackoff = maxBackoff == null ? Duration.ofSeconds(60) : maxBackoff;
            stableAfter = stableAfter == null ? Duration.ofSeconds(60) : stableAfter;
        }
    }

    /** How health is judged. */
    public enum HealthCheckType {
        /** Running is healthy. */
        PROCESS,
        /** A TCP connect to {@code port} succeeds. */
        TCP,
        /** A message on {@code topic} arrives on the local broker at least every {@code timeout}. */
        MQTT_HEARTBEAT;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * @param type             what is checked
     * @param port             TCP: port on the gateway (a published host port) to connect to
     * @param topic            MQTT heartbeat: topic (no wildcards) the workload publishes to
     * @param interval         how often to check
     * @param timeout          one check's limit; for heartbeats, the longest silence
     * @param startPeriod      grace after start during which failures do not count
     * @param failureThreshold consecutive failures that make it unhealthy and, unless the
     *                         restart mode is {@code never}, restart it
     */
    public record HealthCheck(HealthCheckType type, int port, String topic, Duration interval,
                              Duration timeout, Duration startPeriod, int failureThreshold) {
        public static final HealthCheck PROCESS = new HealthCheck(HealthCheckType.PROCESS, 0, "",
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ZERO, 3);

        public HealthCheck {
            type = type == null ? HealthCheckType.PROCESS : type;
            topic = topic == null ? "" : topic;
            interval = interval == null ? Duration.ofSeconds(10) : interval;
            timeout = timeout == null ? Duration.ofSeconds(5) : timeout;
            startPeriod = startPeriod == null ? Duration.ZERO : startPeriod;
        }
    }

    /**
     * The workload's own local-broker account: it may publish and subscribe only within these
     * topic filters. Empty on both sides: the workload gets no broker account.
     */
    public record BusAccess(List<String> publish, List<String> subscribe) {
        public static final BusAccess NONE = new BusAccess(List.of(), List.of());

        public BusAccess {
            publish = publish == null ? List.of() : List.copyOf(publish);
            subscribe = subscribe == null ? List.of() : List.copyOf(subscribe);
        }

        public boolean isEmpty() {
            return publish.isEmpty() && subscribe.isEmpty();
        }
    }

    /**
     * @param maxLines     lines kept per instance for {@code GET/workloads/<name>/logs}
     * @param forwardTopic local-broker topic each output line is published to; empty = none
     */
    public record Logs(int maxLines, String forwardTopic) {
        public static final Logs DEFAULT = new Logs(1000, "");

        public Logs {
            forwardTopic = forwardTopic == null ? "" : forwardTopic;
        }
    }
}
