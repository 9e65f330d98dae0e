package io.hybridge.workloads.internal.supervisor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.bus.LocalBus;
import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.BusEndpoint;
import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.RuntimeAvailability;
import io.hybridge.api.workload.RuntimeListener;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * Owns the gateway's workload state machines: creates one per desired workload, routes each
 * runtime's events to it, and after a runtime appears or its engine returns removes the
 * gateway's instances that no workload configuration asks for (orphans). Instances keep running
 * when the gateway or this bundle stops: the next start adopts them, so an update of the gateway
 * does not interrupt its workloads.
 */
@Component(service = {Supervisor.class, HealthContributor.class}, immediate = true,
        configurationPid = Supervisor.PID,
        property = HealthContributor.SUBSYSTEM + "=" + Supervisor.SUBSYSTEM)
@Designate(ocd = SupervisorConfig.class)
public final class Supervisor implements HealthContributor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    static final String PID = "io.hybridge.workloads";
    static final String SUBSYSTEM = "workloads";
    static final long IDLE_THREAD_SECONDS = 5;

    private final String gatewayId;
    private final Duration stopGrace;
    private final Clock clock = Clock.systemUTC();
    private final ConfigurationAdmin configAdmin;
    private final BusAccounts busAccounts;
    private final Heartbeats heartbeats;
    private final InstanceListings listings;
    private final ExecutorService pool;
    private final ScheduledExecutorService scheduler;
    private final Map<String, WorkloadMachine> machines = new ConcurrentHashMap<>();
    /** Workloads whose configuration is invalid and that never had a good spec: status only. */
    private final Map<String, WorkloadStatus> invalid = new ConcurrentHashMap<>();
    private final Map<RuntimeType, WorkloadRuntime> runtimes = new ConcurrentHashMap<>();
    private final Map<WorkloadRuntime, AutoCloseable> watches = new ConcurrentHashMap<>();
    private volatile LocalBus bus;
    private volatile int busPort;

    @Activate
    public Supervisor(SupervisorConfig config, BundleContext context, @Reference ConfigurationAdmin configAdmin) throws IOException {
        this(config, stateDir(context), configAdmin);
    }

    Supervisor(SupervisorConfig config, Path stateDir, ConfigurationAdmin configAdmin) throws IOException {
        this.gatewayId = GatewayIdentity.resolve(config.gatewayId(), stateDir);
        this.stopGrace = Duration.ofMillis((long) (config.stopGraceSeconds() * 1000));
        this.configAdmin = configAdmin;
        this.busAccounts = new BusAccounts(configAdmin);
        this.heartbeats = new Heartbeats(clock);
        this.listings = new InstanceListings(gatewayId);
        // a thread per busy workload (a pull may take minutes), none for an idle one: after a burst
        // (fifty workloads reconciling at once) the threads go again within seconds
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_THREAD_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), threads("hybridge-workload"));
        ScheduledThreadPoolExecutor timers = new ScheduledThreadPoolExecutor(1, threads("hybridge-workload-timer"));
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        LOG.info("Workload supervisor started; gateway id {} marks this gateway's instances", gatewayId);
    }

    @Deactivate
    void deactivate() {
        watches.values().forEach(Supervisor::closeQuietly);
        watches.clear();
        heartbeats.close();
        scheduler.shutdownNow();
        pool.shutdown();
        LOG.info("Workload supervisor stopped; {} workload(s) keep running and are adopted at the next start", machines.size());
    }

    public String gatewayId() {
        return gatewayId;
    }

    // ---- runtimes and bus ----------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(WorkloadRuntime runtime) {
        runtimes.put(runtime.type(), runtime);
        watches.put(runtime, runtime.watch(new RuntimeListener() {
            @Override
            public void instanceExited(InstanceInfo instance) {
                WorkloadMachine machine = machines.get(instance.workloadName());
                if (machine != null) {
                    machine.exited(instance);
                }
            }

            @Override
            public void availabilityChanged(RuntimeAvailability availability) {
                LOG.info("{} runtime {}: {}", runtime.type().id(), availability.available() ? "available" : "unavailable",
                        availability.detail());
                onAvailability(runtime, availability);
            }
        }));
        LOG.info("{} runtime bound: {}", runtime.type().id(), runtime.availability().detail());
        onAvailability(runtime, runtime.availability());
    }

    void removeRuntime(WorkloadRuntime runtime) {
        runtimes.remove(runtime.type(), runtime);
        closeQuietly(watches.remove(runtime));
        RuntimeAvailability gone = RuntimeAvailability.down("the " + runtime.type().id() + " runtime bundle stopped");
        machinesOf(runtime.type()).forEach(machine -> machine.availabilityChanged(gone));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setBus(LocalBus bus, Map<String, Object> properties) {
        this.bus = bus;
        this.busPort = properties.get(LocalBus.PORT) instanceof Integer port ? port : 0;
        heartbeats.busAppeared(bus);
    }

    void unsetBus(LocalBus gone) {
        if (bus == gone) {
            bus = null;
            heartbeats.busGone();
        }
    }

    private void onAvailability(WorkloadRuntime runtime, RuntimeAvailability availability) {
        machinesOf(runtime.type()).forEach(machine -> machine.availabilityChanged(availability));
        if (availability.available()) {
            pool.execute(() -> removeOrphans(runtime));
        }
    }

    /** Removes this gateway's instances that no workload configuration asks for. */
    void removeOrphans(WorkloadRuntime runtime) {
        Set<String> desired;
        try {
            desired = configuredWorkloads();
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Orphaned instances not checked: the workload configurations cannot be read: {}", e.toString());
            return;
        }
        desired.addAll(machines.keySet());
        try {
            for (InstanceInfo instance : listings.all(runtime)) {
                if (!desired.contains(instance.workloadName())) {
                    LOG.info("Removing orphaned {} instance {} of workload '{}': no workload configuration asks for it",
                            runtime.type().id(), instance.instanceId(), instance.workloadName());
                    listings.changed();
                    runtime.stop(instance.instanceId(), stopGrace);
                    runtime.remove(instance.instanceId());
                }
            }
        } catch (WorkloadException e) {
            LOG.warn("Orphaned {} instances not checked: {}", runtime.type().id(), e.getMessage());
        }
    }

    /** Names of every workload configuration (valid or not): their instances are never orphans. */
    private Set<String> configuredWorkloads() throws IOException, InvalidSyntaxException {
        Set<String> names = new HashSet<>();
        Configuration[] configurations = configAdmin.listConfigurations(
                "(service.factoryPid=" + WorkloadService.FACTORY_PID + ")");
        if (configurations != null) {
            for (Configuration configuration : configurations) {
                names.add(workloadName(configuration.getPid(), configuration.getProperties() == null
                        ? null : configuration.getProperties().get("name")));
            }
        }
        return names;
    }

    /** A workload's name: its configuration's {@code name}, else the PID's name part after '~'. */
    public static String workloadName(String pid, Object nameProperty) {
        if (nameProperty instanceof String name && !name.isBlank()) {
            return name.trim();
        }
        int tilde = pid.lastIndexOf('~');
        return tilde >= 0 ? pid.substring(tilde + 1) : pid;
    }

    // ---- desired state (from the workload configurations) --------------------------------------

    /** What the spec's runtime (if installed) finds wrong with it; empty when fine or when the runtime is absent. */
    public List<SpecProblem> runtimeProblems(WorkloadSpec spec) {
        WorkloadRuntime runtime = runtimeFor(spec.runtime());
        return runtime == null ? List.of() : runtime.validate(spec);
    }

    /** A valid spec for a workload: create its machine or hand it the new spec (unless its runtime refuses it). */
    public void desire(WorkloadSpec spec, String specHash, String source) {
        List<SpecProblem> problems = runtimeProblems(spec);
        if (!problems.isEmpty()) {
            refuse(spec.name(), source, new InvalidSpecException("workload spec " + spec.name(), problems).getMessage());
            return;
        }
        invalid.remove(spec.name());
        machines.computeIfAbsent(spec.name(), name -> new WorkloadMachine(name, context, new SerialExecutor(pool, name)))
                .apply(spec, specHash, source);
    }

    /** A workload configuration that is not valid: the spec in force (if any) stays and shows why. */
    public void refuse(String name, String source, String problem) {
        WorkloadMachine machine = machines.get(name);
        if (machine != null) {
            LOG.error("Workload {}: configuration change refused, the spec in force stays: {}", name, problem);
            machine.refuse(problem);
            return;
        }
        LOG.error("Workload {}: configuration refused: {}", name, problem);
        invalid.put(name, new WorkloadStatus(name, null, source, "", WorkloadState.FAILED, "invalid spec: " + problem,
                clock.instant(), 0, null, 0, List.of()));
    }

    /** A refused spec from this source is gone (its file was deleted): its refusal no longer applies. */
    public void forgetRefusal(String name, String source) {
        invalid.computeIfPresent(name, (key, status) -> source.equals(status.source()) ? null : status);
    }

    /** The workload's configuration was deleted: stop and remove its instances and its broker account. */
    public void undesire(String name) {
        invalid.remove(name);
        WorkloadMachine machine = machines.remove(name);
        if (machine != null) {
            machine.remove();
        }
    }

    /** The workload's configuration component went away for another reason (bundle stop): leave its instances running. */
    public void forget(String name) {
        invalid.remove(name);
        machines.remove(name);
    }

    public boolean restart(String name) {
        WorkloadMachine machine = machines.get(name);
        if (machine == null) {
            return false;
        }
        machine.restart();
        return true;
    }

    // ---- status ----------------------------------------------------------------------------------

    public List<WorkloadStatus> list() {
        List<WorkloadStatus> all = new ArrayList<>(invalid.values());
        machines.values().forEach(machine -> all.add(withUsage(machine.status())));
        all.sort(Comparator.comparing(WorkloadStatus::name));
        return all;
    }

    public Optional<WorkloadStatus> status(String name) {
        WorkloadMachine machine = machines.get(name);
        if (machine != null) {
            return Optional.of(withUsage(machine.status()));
        }
        return Optional.ofNullable(invalid.get(name));
    }

    public Optional<WorkloadSpec> spec(String name) {
        return Optional.ofNullable(machines.get(name)).map(WorkloadMachine::spec);
    }

    public List<String> logs(String name, int maxLines) {
        WorkloadMachine machine = machines.get(name);
        if (machine == null || machine.spec() == null) {
            return List.of();
        }
        WorkloadRuntime runtime = runtimes.get(machine.spec().runtime());
        if (runtime == null) {
            return List.of("(no " + machine.spec().runtime().id() + " runtime installed)");
        }
        List<WorkloadStatus.Replica> replicas = machine.status().replicas();
        List<String> lines = new ArrayList<>();
        for (WorkloadStatus.Replica replica : replicas) {
            if (replica.instanceId().isEmpty()) {
                continue;
            }
            try {
                for (String line : runtime.logs(replica.instanceId(), maxLines)) {
                    lines.add(replicas.size() > 1 ? "[" + replica.index() + "] " + line : line);
                }
            } catch (WorkloadException e) {
                lines.add("(replica " + replica.index() + ": logs unavailable: " + e.getMessage() + ")");
            }
        }
        return lines;
    }

    private WorkloadStatus withUsage(WorkloadStatus status) {
        WorkloadRuntime runtime = status.runtime() == null ? null : runtimes.get(status.runtime());
        if (runtime == null || status.replicas().isEmpty()) {
            return status;
        }
        List<WorkloadStatus.Replica> replicas = status.replicas().stream()
                .map(r -> r.instanceId().isEmpty() ? r : new WorkloadStatus.Replica(r.index(), r.instanceId(), r.state(),
                        r.healthy(), r.restarts(), r.startedAt(), runtime.usage(r.instanceId()).orElse(null)))
                .toList();
        return new WorkloadStatus(status.name(), status.runtime(), status.source(), status.specHash(), status.state(),
                status.message(), status.since(), status.restarts(), status.lastExit(), status.desiredReplicas(), replicas);
    }

    @Override
    public String subsystem() {
        return SUBSYSTEM;
    }

    @Override
    public Health health() {
        List<WorkloadStatus> all = list();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("gatewayId", gatewayId);
        Map<String, Object> runtimeDetails = new LinkedHashMap<>();
        runtimes.forEach((type, runtime) -> runtimeDetails.put(type.id(), runtime.availability().detail()));
        details.put("runtimes", runtimeDetails);
        Map<String, Object> workloads = new LinkedHashMap<>();
        int troubled = 0;
        for (WorkloadStatus status : all) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("state", status.state().id());
            entry.put("runtime", status.runtime() == null ? "" : status.runtime().id());
            entry.put("message", status.message());
            entry.put("restarts", status.restarts());
            entry.put("replicas", status.desiredReplicas());
            workloads.put(status.name(), entry);
            if (isTroubled(status.state())) {
                troubled++;
            }
        }
        details.put("workloads", workloads);
        if (all.isEmpty()) {
            return Health.of(HealthStatus.UP, "no workloads", details);
        }
        if (troubled > 0) {
            // a troubled workload does not make the gateway unready: the gateway still serves everything else
            return Health.of(HealthStatus.DEGRADED, troubled + " of " + all.size() + " workload(s) need attention", details);
        }
        return Health.of(HealthStatus.UP, all.size() + " workload(s) as desired", details);
    }

    private static boolean isTroubled(WorkloadState state) {
        return switch (state) {
            case FAILED, CRASH_LOOP, BACKOFF, UNHEALTHY, ENGINE_UNAVAILABLE -> true;
            default -> false;
        };
    }

    private List<WorkloadMachine> machinesOf(RuntimeType type) {
        return machines.values().stream()
                .filter(m -> m.spec() == null || m.spec().runtime() == type
                        || (m.spec().runtime() == RuntimeType.AUTO && type == RuntimeType.CONTAINER))
                .toList();
    }

    private WorkloadRuntime runtimeFor(RuntimeType type) {
        // placement does not exist yet: 'auto' means the container runtime (documented)
        return runtimes.get(type == RuntimeType.AUTO ? RuntimeType.CONTAINER : type);
    }

    /** What the machines see of the gateway. */
    private final MachineContext context = new MachineContext() {
        @Override
        public String gatewayId() {
            return gatewayId;
        }

        @Override
        public Clock clock() {
            return clock;
        }

        @Override
        public ScheduledExecutorService scheduler() {
            return scheduler;
        }

        @Override
        public Duration stopGrace() {
            return stopGrace;
        }

        @Override
        public Optional<WorkloadRuntime> runtime(RuntimeType type) {
            return Optional.ofNullable(runtimeFor(type));
        }

        @Override
        public List<InstanceInfo> instancesOf(WorkloadRuntime runtime, String workload) throws WorkloadException {
            return listings.of(runtime, workload);
        }

        @Override
        public void instancesChanged() {
            listings.changed();
        }

        @Override
        public Optional<BusEndpoint> busEndpoint(WorkloadSpec spec, int replica) {
            Optional<BusAccounts.Credentials> credentials = busAccounts.ensure(spec);
            if (credentials.isEmpty()) {
                return Optional.empty();
            }
            if (busPort == 0) {
                LOG.warn("Workload {}: the local broker is not running; it gets its account but no broker to reach", spec.name());
            }
            int port = busPort == 0 ? 1883 : busPort;
            return Optional.of(new BusEndpoint(port, credentials.get().username(), credentials.get().password(),
                    spec.name() + "-" + replica));
        }

        @Override
        public void dropBusAccount(String workload) {
            busAccounts.drop(workload);
        }

        @Override
        public Instant lastHeartbeat(String topic) {
            return heartbeats.lastSeen(topic);
        }

        @Override
        public void unwatchHeartbeat(String topic) {
            heartbeats.unwatch(topic);
        }

        @Override
        public Consumer<String> logForwarder(String topic) {
            return line -> {
                LocalBus current = bus;
                if (current != null) {
                    current.publish(topic, line.getBytes(java.nio.charset.StandardCharsets.UTF_8), 0, false);
                }
            };
        }

        @Override
        public void statusChanged(WorkloadMachine machine) {
            // status is read on demand (health, console, requests); nothing to push yet
        }
    };

    private static Path stateDir(BundleContext context) {
        String var = context.getProperty("hybridge.var");
        return (var != null ? Path.of(var) : context.getDataFile("").toPath()).resolve("workloads");
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("closing", e);
        }
    }
}
