package io.hybridge.runtime.container.internal;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.Version;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.RuntimeAvailability;
import io.hybridge.api.workload.RuntimeListener;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadSpec;

/**
 * The container runtime: runs instances through a Docker-compatible engine and reports what the
 * engine sees. It owns the engine connection, the cached {@link RuntimeAvailability} (pinged at
 * activation and whenever the event stream drops), the event stream that turns exits into
 * {@link RuntimeListener#instanceExited} at once, the background usage samples and the registry
 * accounts. It restarts nothing: that is the supervisor's.
 */
@Component(service = {WorkloadRuntime.class, HealthContributor.class}, configurationPid = ContainerRuntime.PID,
        property = {WorkloadRuntime.TYPE + "=container", HealthContributor.SUBSYSTEM + "=" + ContainerRuntime.SUBSYSTEM})
@Designate(ocd = ContainerRuntimeConfig.class)
public final class ContainerRuntime implements WorkloadRuntime, HealthContributor {

    static final String PID = "io.hybridge.runtime.container";
    static final String SUBSYSTEM = "container-runtime";

    private static final Logger LOG = LoggerFactory.getLogger(ContainerRuntime.class);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration LOGS_TIMEOUT = Duration.ofSeconds(30);
    private static final int RECENT_EVENTS = 512;

    private final RuntimeSettings settings;
    private final DockerClient client;
    private final DockerClient pingClient;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService eventThread;
    private final EngineEvents events;
    private final UsageSampler usage;
    private final ImagePreparer images;
    private final List<RuntimeListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, RegistryCredential> credentials = new ConcurrentHashMap<>();
    /** Gateway ids this runtime has served: only their instances' exits are reported and sampled. */
    private final Set<String> gateways = ConcurrentHashMap.newKeySet();
    private volatile RuntimeAvailability availability;
    /** The availability until the first ping has answered. */
    private final RuntimeAvailability notAsked;
    private volatile EngineFacts engine = EngineFacts.UNKNOWN;

    // event thread only
    private final Set<String> recentEvents = Collections.newSetFromMap(new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_EVENTS;
        }
    });
    private final Set<String> oomKilled = new LinkedHashSet<>();
    private final Set<String> exitReported = new LinkedHashSet<>();

    /** What the engine said about itself at the last successful ping. */
    private record EngineFacts(String version, long memoryBytes, int cpus) {
        static final EngineFacts UNKNOWN = new EngineFacts("", 0, 0);
    }

    @Activate
    public ContainerRuntime(ContainerRuntimeConfig config, BundleContext context) {
        this(RuntimeSettings.from(config, System.getenv(), context.getProperty(RuntimeSettings.DOCKER_SOCKET_PROPERTY)));
    }

    ContainerRuntime(RuntimeSettings settings) {
        this.settings = settings;
        this.notAsked = RuntimeAvailability.down("engine at " + settings.engineUri() + " not asked yet");
        String problem = settings.enabled() ? settings.engineUriProblem() : null;
        if (!settings.enabled() || problem != null) {
            availability = RuntimeAvailability.down(problem != null ? problem + "; fix engineUri in " + PID
                    : "the container runtime is switched off (" + PID + " enabled=false)");
            if (problem != null) {
                LOG.error("Container runtime: {}", availability.detail());
            }
            client = null;
            pingClient = null;
            scheduler = null;
            eventThread = null;
            events = null;
            usage = null;
            images = null;
            return;
        }
        availability = notAsked;
        client = DockerClients.create(settings.engineUri(), null);
        pingClient = DockerClients.create(settings.engineUri(), PING_TIMEOUT);
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "hybridge-container-runtime"));
        eventThread = Executors.newSingleThreadExecutor(task -> daemon(task, "hybridge-container-events"));
        images = new ImagePreparer(client, settings.engineUri(), settings.defaultRegistry(), this::authFor);
        usage = new UsageSampler(client, labels -> labels != null && gateways.contains(labels.getOrDefault(InstanceLabels.GATEWAY, "")),
                () -> engine.memoryBytes(), UsageSampler.pool());
        events = new EngineEvents(client, scheduler, this::ping,
                event -> eventThread.execute(() -> handle(event)));
        // the first ping loads docker-java's and Jackson's classes (~0.5 s on a small CPU): off the
        // framework's start thread, so the rest of the gateway comes up meanwhile; listeners hear
        // when the engine answers
        scheduler.execute(this::ping);
        events.start();
        usage.schedule(scheduler, settings.statsInterval());
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }

    @Deactivate
    void deactivate() {
        if (client == null) {
            return;
        }
        events.close();
        usage.close();
        scheduler.shutdownNow();
        eventThread.shutdownNow();
        closeQuietly(client);
        closeQuietly(pingClient);
    }

    private static void closeQuietly(DockerClient dockerClient) {
        try {
            dockerClient.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("Closing the engine client: {}", e.toString());
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addCredential(RegistryCredential credential) {
        credentials.put(credential.registry(), credential);
    }

    void removeCredential(RegistryCredential credential) {
        credentials.remove(credential.registry(), credential);
    }

    private Optional<AuthConfig> authFor(String registry) {
        RegistryCredential credential = credentials.get(RegistryCredential.normalise(registry));
        return credential == null ? Optional.empty() : Optional.of(credential.authConfig());
    }

    // --- availability and health ---------------------------------------------------------

    @Override
    public RuntimeType type() {
        return RuntimeType.CONTAINER;
    }

    @Override
    public RuntimeAvailability availability() {
        return availability;
    }

    /** Asks the engine whether it answers, updates {@link #availability()} and tells listeners of a change. */
    boolean ping() {
        RuntimeAvailability now;
        try {
            Version version = pingClient.versionCmd().exec();
            Info info = pingClient.infoCmd().exec();
            String product = version.getComponents() != null && version.getComponents().stream()
                    .anyMatch(component -> component.getName() != null && component.getName().contains("Podman")) ? "Podman" : "Docker";
            engine = new EngineFacts(version.getVersion(), info.getMemTotal() == null ? 0 : info.getMemTotal(),
                    info.getNCPU() == null ? 0 : info.getNCPU());
            now = RuntimeAvailability.up(product + " " + version.getVersion() + " at " + settings.engineUri());
        } catch (RuntimeException e) {
            now = RuntimeAvailability.down(EngineErrors.unreachable(settings.engineUri(), e));
        }
        RuntimeAvailability before = availability;
        availability = now;
        if (before.available() != now.available()) {
            if (now.available()) {
                LOG.info("Container engine available: {}", now.detail());
            } else {
                LOG.warn("Container engine unavailable: {}", now.detail());
            }
            RuntimeAvailability changed = now;
            listeners.forEach(listener -> notify(listener, l -> l.availabilityChanged(changed)));
        }
        return now.available();
    }

    /** Whether the event stream is open; exits are reported only while it is (and replayed after). */
    boolean eventsConnected() {
        return events != null && events.connected();
    }

    @Override
    public String subsystem() {
        return SUBSYSTEM;
    }

    @Override
    public Health health() {
        if (!settings.enabled()) {
            return Health.of(HealthStatus.DISABLED, availability.detail());
        }
        RuntimeAvailability now = availability;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("engine", settings.engineUri());
        details.put("engineUriFrom", settings.engineUriSource());
        if (now.available()) {
            details.put("version", engine.version());
            details.put("events", eventsConnected() ? "connected" : "reconnecting");
            details.put("registryAccounts", List.copyOf(new java.util.TreeSet<>(credentials.keySet())));
            return Health.of(HealthStatus.UP, now.detail(), details);
        }
        // before the first ping has answered (a fraction of a second after activation) nothing is known yet
        return Health.of(now == notAsked ? HealthStatus.STARTING : HealthStatus.DEGRADED, now.detail(), details);
    }

    @Override
    public AutoCloseable watch(RuntimeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** OTA workload-image units: a {@code docker save} tar goes to the engine as {@code docker load} would. */
    @Override
    public boolean canLoadImageArchive(String format) {
        return settings.enabled() && "docker-archive".equals(format);
    }

    @Override
    public List<String> loadImageArchive(java.nio.file.Path archive) throws WorkloadException {
        return enabledImages().loadArchive(archive, "a docker save tar");
    }

    @Override
    public Optional<String> localImageId(String reference) throws WorkloadException {
        return enabledImages().imageId(reference);
    }

    @Override
    public void pointImage(String reference, Optional<String> imageId) throws WorkloadException {
        enabledImages().point(reference, imageId);
    }

    private ImagePreparer enabledImages() throws WorkloadException {
        if (!settings.enabled()) {
            throw new WorkloadException(WorkloadException.Reason.ENGINE_UNAVAILABLE, "the container runtime is switched off"
                    + " (enabled=false in io.hybridge.runtime.container)");
        }
        return images;
    }

    private static void notify(RuntimeListener listener, Consumer<RuntimeListener> call) {
        try {
            call.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("Runtime listener {} failed", listener, e);
        }
    }

    // --- validation and images -----------------------------------------------------------

    @Override
    public List<SpecProblem> validate(WorkloadSpec spec) {
        List<SpecProblem> problems = new ArrayList<>();
        if (spec.runtime() != RuntimeType.CONTAINER && spec.runtime() != RuntimeType.AUTO) {
            problems.add(new SpecProblem("runtime", "'" + spec.runtime().id() + "' is not the container runtime's; use container or auto"));
        }
        try {
            ImageReference reference = ImageReference.parse(spec.image().reference());
            if (!reference.hasRegistry() && settings.defaultRegistry().isEmpty()
                    && spec.image().pullPolicy() == WorkloadSpec.PullPolicy.ALWAYS && !reference.pinned()) {
                problems.add(new SpecProblem("image.pullPolicy", "always, but image.reference '" + reference + "' names no registry and"
                        + " no defaultRegistry is configured, and the gateway never pulls from a public registry by itself;"
                        + " name the registry in the reference (e.g. registry.local:5000/" + reference + ") or use if-not-present"));
            }
        } catch (IllegalArgumentException e) {
            problems.add(new SpecProblem("image.reference", e.getMessage()));
        }
        if (!List.of("bridge", "host", "none").contains(spec.network())) {
            problems.add(new SpecProblem("network", "'" + spec.network() + "' is not a network of the container runtime; use bridge, host or none"));
        }
        if (!spec.bus().isEmpty() && "none".equals(spec.network())) {
            problems.add(new SpecProblem("bus", "bus access needs a network to reach the gateway's broker, but network is none;"
                    + " use network bridge (or host), or leave bus empty"));
        }
        if (!spec.ports().isEmpty() && !"bridge".equals(spec.network())) {
            problems.add(new SpecProblem("ports", "published ports need network bridge; with " + spec.network()
                    + (spec.network().equals("host") ? " the workload listens on the gateway's ports itself: remove ports"
                    : " the workload has no network: remove ports")));
        }
        problems.addAll(ContainerOptions.problems(spec.options()));
        return problems;
    }

    @Override
    public void prepare(WorkloadSpec spec, boolean forcePull) throws WorkloadException {
        requireEngine();
        try {
            images.prepare(spec, forcePull);
        } catch (WorkloadException e) {
            checkEngineOn(e);
            throw e;
        }
    }

    // --- instances -----------------------------------------------------------------------

    @Override
    public InstanceInfo start(InstanceRequest request) throws WorkloadException {
        requireEngine();
        gateways.add(request.gatewayId());
        ImageReference reference = ImagePreparer.parse(request.spec().image().reference());
        String image = images.nameToCreate(reference).orElseThrow(() -> new WorkloadException(Reason.IMAGE_NOT_FOUND,
                "instance " + request.instanceName() + ": image " + reference + " is not present on the gateway; prepare it first (pull or load)"));
        ContainerPlan plan;
        try {
            plan = ContainerPlan.of(request, image, settings.stopGrace());
        } catch (IllegalArgumentException e) {
            throw new WorkloadException(Reason.UNSUPPORTED, "instance " + request.instanceName() + ": " + e.getMessage());
        }
        checkResources(plan, request.spec());
        long began = System.nanoTime();
        String id;
        try {
            id = create(plan);
        } catch (ConflictException nameTaken) {
            // only now look at who has the name: one round trip less on every ordinary start
            removeLeftover(plan.name(), request.gatewayId());
            try {
                id = create(plan);
            } catch (RuntimeException e) {
                throw checkEngineOn(EngineErrors.forStart(e, plan, settings.engineUri()));
            }
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forStart(e, plan, settings.engineUri()));
        }
        long created = System.nanoTime();
        try {
            client.startContainerCmd(id).exec();
        } catch (RuntimeException e) {
            WorkloadException failure = EngineErrors.forStart(e, plan, settings.engineUri());
            removeQuietly(id);
            throw checkEngineOn(failure);
        }
        LOG.debug("{}: create {} ms, start {} ms", plan.name(), (created - began) / 1_000_000, (System.nanoTime() - created) / 1_000_000);
        LOG.info("Started {} ({}) from {}", plan.name(), id.substring(0, Math.min(12, id.length())), plan.image());
        return inspect(id).orElseThrow(() -> new WorkloadException(Reason.START_FAILED,
                "instance " + plan.name() + " vanished right after its start (removed by someone else?)"));
    }

    private String create(ContainerPlan plan) {
        CreateContainerCmd create = client.createContainerCmd(plan.image())
                .withName(plan.name())
                .withLabels(plan.labels())
                .withEnv(plan.env())
                .withExposedPorts(plan.exposedPorts())
                .withStopTimeout(plan.stopTimeout())
                .withHostConfig(plan.hostConfig());
        if (!plan.command().isEmpty()) {
            create.withCmd(plan.command());
        }
        if (!plan.user().isEmpty()) {
            create.withUser(plan.user());
        }
        return create.exec().getId();
    }

    /** The engine accepts a memory limit larger than the machine; the gateway does not. */
    private void checkResources(ContainerPlan plan, WorkloadSpec spec) throws WorkloadException {
        EngineFacts facts = engine;
        if (facts.memoryBytes() > 0 && plan.memoryBytes() > facts.memoryBytes()) {
            throw new WorkloadException(Reason.INSUFFICIENT_RESOURCES, "instance " + plan.name() + ": resources.memoryMiB "
                    + spec.resources().memoryMiB() + " is more than the engine's machine has (" + facts.memoryBytes() / (1024 * 1024)
                    + " MiB); use at most that, or 0 for no limit");
        }
        if (facts.cpus() > 0 && spec.resources().cpus() > facts.cpus()) {
            throw new WorkloadException(Reason.INSUFFICIENT_RESOURCES, "instance " + plan.name() + ": resources.cpus "
                    + spec.resources().cpus() + " is more than the engine's machine has (" + facts.cpus()
                    + " CPUs); use at most that, or 0 for no limit");
        }
    }

    /** A container with the instance's name: this gateway's leftover is removed, anything else is not touched. */
    private void removeLeftover(String name, String gatewayId) throws WorkloadException {
        InspectContainerResponse existing;
        try {
            existing = client.inspectContainerCmd(name).exec();
        } catch (NotFoundException e) {
            return;
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forCall(e, "inspect of container " + name, settings.engineUri()));
        }
        Map<String, String> labels = existing.getConfig() == null ? null : existing.getConfig().getLabels();
        if (!InstanceLabels.ownedBy(labels, gatewayId)) {
            throw new WorkloadException(Reason.START_FAILED, "a container named " + name + " exists (" + existing.getId()
                    + ") that this gateway (" + gatewayId + ") did not make" + (InstanceLabels.managed(labels)
                    ? " (it is gateway " + labels.get(InstanceLabels.GATEWAY) + "'s)" : "")
                    + "; remove or rename it, the gateway will not");
        }
        LOG.info("Removing the leftover container {} ({}) before starting it anew", name, existing.getId());
        remove(existing.getId());
    }

    private void removeQuietly(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
        } catch (RuntimeException e) {
            LOG.debug("Could not remove {} after its failed start: {}", id, e.toString());
        }
    }

    @Override
    public void stop(String instanceId, Duration grace) throws WorkloadException {
        requireEngine();
        Duration effective = grace == null || grace.isNegative() ? settings.stopGrace() : grace;
        try {
            client.stopContainerCmd(instanceId).withTimeout((int) Math.min(Integer.MAX_VALUE, effective.toSeconds())).exec();
        } catch (NotModifiedException e) {
            // already stopped
        } catch (NotFoundException e) {
            throw new WorkloadException(Reason.NOT_FOUND, "no instance " + instanceId + " to stop; it is already gone");
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forCall(e, "stop of instance " + instanceId, settings.engineUri()));
        }
    }

    @Override
    public void remove(String instanceId) throws WorkloadException {
        requireEngine();
        try {
            // RemoveVolumes takes the container's anonymous volumes only; named volumes stay
            client.removeContainerCmd(instanceId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (ConflictException e) {
            if (!EngineErrors.engineMessage(e).contains("already in progress")) {
                throw new WorkloadException(Reason.INTERNAL, "removal of instance " + instanceId + " failed: " + EngineErrors.engineMessage(e), e);
            }
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forCall(e, "removal of instance " + instanceId, settings.engineUri()));
        }
        usage.forget(instanceId);
    }

    @Override
    public List<InstanceInfo> instances(String gatewayId) throws WorkloadException {
        return listed(gatewayId, Map.of(InstanceLabels.MANAGED, "true", InstanceLabels.GATEWAY, gatewayId));
    }

    /** Lists (and inspects) only that workload's containers: a new workload's start does not inspect every other one. */
    @Override
    public List<InstanceInfo> instances(String gatewayId, String workload) throws WorkloadException {
        return listed(gatewayId, Map.of(InstanceLabels.MANAGED, "true", InstanceLabels.GATEWAY, gatewayId,
                InstanceLabels.WORKLOAD, workload));
    }

    private List<InstanceInfo> listed(String gatewayId, Map<String, String> labels) throws WorkloadException {
        requireEngine();
        gateways.add(gatewayId);
        List<Container> containers;
        try {
            containers = client.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec();
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forCall(e, "listing of gateway " + gatewayId + "'s instances", settings.engineUri()));
        }
        List<InstanceInfo> instances = new ArrayList<>();
        for (Container container : containers) {
            if (InstanceLabels.ownedBy(container.getLabels(), gatewayId)) {
                inspect(container.getId()).ifPresent(instances::add);
            }
        }
        return instances;
    }

    @Override
    public Optional<InstanceInfo> inspect(String instanceId) throws WorkloadException {
        requireEngine();
        try {
            return info(client.inspectContainerCmd(instanceId).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forCall(e, "inspect of instance " + instanceId, settings.engineUri()));
        }
    }

    private static Optional<InstanceInfo> info(InspectContainerResponse container) {
        InspectContainerResponse.ContainerState state = container.getState();
        Map<String, String> labels = container.getConfig() == null ? null : container.getConfig().getLabels();
        Long exitCode = state.getExitCodeLong();
        return InstanceLabels.read(container.getId(), labels, state.getStatus(), exitCode == null ? 0 : exitCode.intValue(),
                Boolean.TRUE.equals(state.getOOMKilled()), state.getStartedAt(), state.getFinishedAt(), state.getError());
    }

    @Override
    public Optional<ResourceUsage> usage(String instanceId) {
        return usage == null ? Optional.empty() : usage.latest(instanceId);
    }

    @Override
    public List<String> logs(String instanceId, int maxLines) throws WorkloadException {
        requireEngine();
        if (maxLines <= 0) {
            return List.of();
        }
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        LineCollector collector = new LineCollector(lines::add);
        StreamCallback<Frame> callback = new StreamCallback<>(collector::accept);
        try {
            client.logContainerCmd(instanceId).withStdOut(true).withStdErr(true).withTail(maxLines).exec(callback);
            callback.await(LOGS_TIMEOUT);
        } catch (NotFoundException e) {
            throw new WorkloadException(Reason.NOT_FOUND, "no instance " + instanceId + " to read logs of");
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forCall(e, "log read of instance " + instanceId, settings.engineUri()));
        } catch (TimeoutException e) {
            throw new WorkloadException(Reason.INTERNAL, "log read of instance " + instanceId + " took longer than " + LOGS_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException(Reason.INTERNAL, "log read of instance " + instanceId + " interrupted");
        }
        collector.flush();
        synchronized (lines) {
            return List.copyOf(lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        }
    }

    @Override
    public AutoCloseable followLogs(String instanceId, Consumer<String> sink) throws WorkloadException {
        requireEngine();
        inspect(instanceId).orElseThrow(() -> new WorkloadException(Reason.NOT_FOUND, "no instance " + instanceId + " to follow the logs of"));
        LineCollector collector = new LineCollector(line -> {
            try {
                sink.accept(line);
            } catch (RuntimeException e) {
                LOG.warn("Log sink of {} failed", instanceId, e);
            }
        });
        StreamCallback<Frame> callback = new StreamCallback<>(collector::accept);
        callback.done().whenComplete((ignored, error) -> collector.flush());
        try {
            client.logContainerCmd(instanceId).withStdOut(true).withStdErr(true).withFollowStream(true).withTail(0).exec(callback);
        } catch (RuntimeException e) {
            throw checkEngineOn(EngineErrors.forCall(e, "log follow of instance " + instanceId, settings.engineUri()));
        }
        return callback::close;
    }

    // --- engine events -------------------------------------------------------------------

    /** One die/oom/destroy event of a managed container, on the event thread. */
    private void handle(Event event) {
        String id = event.getId() != null ? event.getId() : event.getActor() == null ? null : event.getActor().getId();
        String action = event.getAction() != null ? event.getAction() : event.getStatus();
        if (id == null || action == null) {
            return;
        }
        String key = id + "/" + action + "/" + (event.getTimeNano() != null ? event.getTimeNano() : event.getTime());
        if (!recentEvents.add(key)) {
            return; // replayed after a reconnect
        }
        Map<String, String> attributes = event.getActor() == null || event.getActor().getAttributes() == null
                ? Map.of() : event.getActor().getAttributes();
        if (!gateways.contains(attributes.getOrDefault(InstanceLabels.GATEWAY, ""))) {
            return; // another gateway's, or none this runtime has served
        }
        switch (action) {
            case "oom":
                oomKilled.add(id);
                break;
            case "die":
                exited(id, attributes, event);
                break;
            case "destroy":
                if (!exitReported.remove(id)) {
                    vanished(id, attributes, event);
                }
                oomKilled.remove(id);
                usage.forget(id);
                break;
            default:
                break;
        }
    }

    private void exited(String id, Map<String, String> attributes, Event event) {
        InstanceInfo info;
        try {
            info = info(client.inspectContainerCmd(id).exec()).orElse(null);
        } catch (RuntimeException e) {
            info = null; // removed meanwhile: the event's own attributes must do
        }
        if (info == null || info.state() != InstanceState.EXITED) {
            int exitCode = parseInt(attributes.get("exitCode"), -1);
            info = fromEvent(id, attributes, exitCode, event, info);
        }
        if (oomKilled.remove(id) && !info.oomKilled()) {
            info = new InstanceInfo(info.instanceId(), info.workloadName(), info.replica(), info.specHash(), info.state(),
                    info.exitCode(), true, info.startedAt(), info.finishedAt(), info.detail());
        }
        exitReported.add(id);
        InstanceInfo exit = info;
        LOG.debug("Instance {} ({}) exited with {}{}", attributes.get("name"), id, exit.exitCode(), exit.oomKilled() ? " (out of memory)" : "");
        listeners.forEach(listener -> notify(listener, l -> l.instanceExited(exit)));
    }

    private void vanished(String id, Map<String, String> attributes, Event event) {
        InstanceInfo info = fromEvent(id, attributes, -1, event, null);
        LOG.debug("Instance {} ({}) vanished", attributes.get("name"), id);
        listeners.forEach(listener -> notify(listener, l -> l.instanceExited(info)));
    }

    private static InstanceInfo fromEvent(String id, Map<String, String> attributes, int exitCode, Event event, InstanceInfo known) {
        Instant at = event.getTimeNano() != null ? Instant.ofEpochSecond(0, event.getTimeNano())
                : event.getTime() != null ? Instant.ofEpochSecond(event.getTime()) : Instant.now();
        return new InstanceInfo(id, attributes.getOrDefault(InstanceLabels.WORKLOAD, ""),
                parseInt(attributes.get(InstanceLabels.REPLICA), -1), attributes.get(InstanceLabels.SPEC_HASH),
                InstanceState.EXITED, exitCode, false, known == null ? null : known.startedAt(), at,
                exitCode == -1 ? "removed" : "");
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    // --- engine state --------------------------------------------------------------------

    private void requireEngine() throws WorkloadException {
        if (client == null) {
            throw new WorkloadException(Reason.ENGINE_UNAVAILABLE, availability.detail());
        }
    }

    /** A call found the engine gone: ask again now, so availability (and the listeners) know at once. */
    private WorkloadException checkEngineOn(WorkloadException failure) {
        if (failure.reason() == Reason.ENGINE_UNAVAILABLE && availability.available()) {
            scheduler.execute(this::ping);
        }
        return failure;
    }
}
