package io.hybridge.runtime.unikernel.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.BusEndpoint;
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
import io.hybridge.runtime.unikernel.internal.image.ImageStore;
import io.hybridge.runtime.unikernel.internal.image.UnikernelImage;
import io.hybridge.runtime.unikernel.internal.vmm.Accelerator;
import io.hybridge.runtime.unikernel.internal.vmm.AcceleratorPolicy;
import io.hybridge.runtime.unikernel.internal.vmm.CgroupPlacement;
import io.hybridge.runtime.unikernel.internal.vmm.ConsoleLog;
import io.hybridge.runtime.unikernel.internal.vmm.ControlLine;
import io.hybridge.runtime.unikernel.internal.vmm.FirecrackerDriver;
import io.hybridge.runtime.unikernel.internal.vmm.InstanceDir;
import io.hybridge.runtime.unikernel.internal.vmm.KernelCommandLine;
import io.hybridge.runtime.unikernel.internal.vmm.LaunchPlan;
import io.hybridge.runtime.unikernel.internal.vmm.ProcUsage;
import io.hybridge.runtime.unikernel.internal.vmm.ProcessIdentity;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import io.hybridge.runtime.unikernel.internal.image.RegistryAccount;
import io.hybridge.runtime.unikernel.internal.image.RegistryCredential;
import io.hybridge.runtime.unikernel.internal.vmm.QemuMicrovmDriver;
import io.hybridge.runtime.unikernel.internal.vmm.RunningVm;
import io.hybridge.runtime.unikernel.internal.vmm.Solo5Driver;
import io.hybridge.runtime.unikernel.internal.vmm.VmLaunch;
import io.hybridge.runtime.unikernel.internal.vmm.VmLauncher;
import io.hybridge.runtime.unikernel.internal.vmm.VmNetwork;
import io.hybridge.runtime.unikernel.internal.vmm.VmmDriver;

/**
 * The unikernel runtime: boots instances as microVMs under a {@link VmmDriver} and reports what
 * it sees. It owns the instances' state directories (what lets a restarted gateway adopt its
 * running VMs), the accelerator decision and its verdict on KVM, the VMs' cgroups, console logs
 * and exit detection. It restarts nothing: that is the supervisor's.
 */
@Component(service = {WorkloadRuntime.class, HealthContributor.class}, configurationPid = UnikernelRuntime.PID,
        property = {WorkloadRuntime.TYPE + "=unikernel", HealthContributor.SUBSYSTEM + "=" + UnikernelRuntime.SUBSYSTEM})
@Designate(ocd = UnikernelRuntimeConfig.class)
public final class UnikernelRuntime implements WorkloadRuntime, HealthContributor {

    static final String PID = "io.hybridge.runtime.unikernel";
    static final String SUBSYSTEM = "unikernel-runtime";
    static final String READY_LINE_ANNOTATION = "io.hybridge.unikernel.readyLine";
    static final String EXIT_LINE_ANNOTATION = "io.hybridge.unikernel.exitLine";
    static final String ENV_PREFIX_ANNOTATION = "io.hybridge.unikernel.envPrefix";
    /** Exit code reported when the VMM ended without the guest's exit line (killed, crashed, or a guest that prints none). */
    static final int NO_EXIT_LINE = 255;
    static final int KILLED = 137;

    private static final Logger LOG = LoggerFactory.getLogger(UnikernelRuntime.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final Duration ASK_AGAIN = Duration.ofSeconds(3);
    /** How long a prepared image is kept without an instance using it. */
    static final Duration PREPARE_GRACE = Duration.ofHours(1);
    /** socat, spawned by QEMU per guest connection to the broker (see QemuMicrovmDriver.forwardTarget); without it one connection per VM. */
    private static final Optional<Path> RELAY = RuntimeSettings.onPath("socat");

    private final RuntimeSettings settings;
    private final ImageStore images;
    private final List<VmmDriver> drivers;
    private final AcceleratorPolicy accelerators;
    private final CgroupPlacement cgroups;
    private final ScheduledExecutorService pump;
    private final Map<String, RunningVm> running = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, Instant> recentlyPrepared = new ConcurrentHashMap<>();
    private final List<RuntimeListener> listeners = new CopyOnWriteArrayList<>();
    private final long deviceMemoryBytes = ProcUsage.deviceMemoryBytes();

    /** Hub accounts (factory PID io.hybridge.runtime.unikernel.registry); read at each pull, so a new one needs no restart. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<RegistryCredential> credentials = List.of();

    @Activate
    public UnikernelRuntime(UnikernelRuntimeConfig config, BundleContext context) {
        this(settingsOf(config, context), null);
    }

    private static RuntimeSettings settingsOf(UnikernelRuntimeConfig config, BundleContext context) {
        String var = context.getProperty("hybridge.var");
        Path state = (var != null ? Path.of(var) : context.getDataFile("").toPath()).resolve("unikernel");
        return RuntimeSettings.from(config, state);
    }

    /** @param images the image store; null: the one {@link ImageStores#create} makes */
    UnikernelRuntime(RuntimeSettings settings, ImageStore images) {
        this.settings = settings;
        this.images = images != null ? images
                : ImageStores.create(settings.stateDir().resolve("images"), settings.defaultRegistry(), this::registryAccount);
        this.drivers = List.of(
                new QemuMicrovmDriver(settings.qemuBinary(), settings.kvmCpuModel(), settings.tcgTranslationCacheMiB()),
                new FirecrackerDriver(RuntimeSettings.onPath("firecracker")),
                new Solo5Driver("hvt", RuntimeSettings.onPath("solo5-hvt")),
                new Solo5Driver("spt", RuntimeSettings.onPath("solo5-spt")));
        this.accelerators = new AcceleratorPolicy(settings.accelerator(), settings.allowTcgFallback(), settings.readinessDeadline(),
                Path.of("/dev/kvm"), settings.stateDir().resolve("kvm-verdict.properties"), AcceleratorPolicy.hostBootId());
        this.cgroups = CgroupPlacement.detect(Path.of("/sys/fs/cgroup"), settings.cgroupParent().isEmpty() ? "" : settings.cgroupParent());
        this.pump = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hybridge-unikernel-console");
            thread.setDaemon(true);
            return thread;
        });
        pump.scheduleWithFixedDelay(() -> running.values().forEach(RunningVm::pump), 100, 100, TimeUnit.MILLISECONDS);
    }

    private Optional<RegistryAccount> registryAccount(String registry) {
        return RegistryAccount.lookup(credentials.stream().map(RegistryCredential::account).toList()).apply(registry);
    }

    /** Stops watching; the VMs run on (the next runtime adopts them). */
    @Deactivate
    void deactivate() {
        pump.shutdownNow();
        running.values().forEach(RunningVm::release);
        running.clear();
    }

    // --- availability and health ---------------------------------------------------------

    @Override
    public RuntimeType type() {
        return RuntimeType.UNIKERNEL;
    }

    @Override
    public RuntimeAvailability availability() {
        if (!settings.enabled()) {
            return RuntimeAvailability.down("the unikernel runtime is switched off (" + PID + " enabled=false)");
        }
        List<String> installed = drivers.stream().filter(d -> d.binary().isPresent()).map(d -> d.id() + " at " + d.binary().get()).toList();
        return installed.isEmpty()
                ? RuntimeAvailability.down("no VMM installed: qemu-system-x86_64 is not on the PATH (Debian package qemu-system-x86),"
                + " nor firecracker, solo5-hvt or solo5-spt; install one or set qemuBinary in " + PID)
                : RuntimeAvailability.up(String.join(", ", installed) + "; " + accelerators.describe());
    }

    @Override
    public String subsystem() {
        return SUBSYSTEM;
    }

    @Override
    public Health health() {
        RuntimeAvailability now = availability();
        if (!settings.enabled()) {
            return Health.of(HealthStatus.DISABLED, now.detail());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("vmms", drivers.stream().filter(d -> d.binary().isPresent()).map(VmmDriver::id).toList());
        details.put("accelerator", accelerators.mode().name().toLowerCase(java.util.Locale.ROOT));
        details.put("kvm", accelerators.verdict().name().toLowerCase(java.util.Locale.ROOT));
        if (!accelerators.verdictReason().isEmpty()) {
            details.put("kvmReason", accelerators.verdictReason());
        }
        details.put("cgroups", cgroups.version().name().toLowerCase(java.util.Locale.ROOT));
        details.put("runningVms", running.size());
        details.put("stateDir", settings.stateDir().toString());
        details.put("brokerRelay", RELAY.map(Path::toString).orElse("none: install socat, or a guest loses the broker for good"
                + " when its one forwarded connection closes (gateway restart)"));
        if (now.available() && RELAY.isEmpty()) {
            return Health.of(HealthStatus.DEGRADED, now.detail() + "; no socat on the PATH: a microVM cannot reconnect to the broker", details);
        }
        return Health.of(now.available() ? HealthStatus.UP : HealthStatus.DOWN, now.detail(), details);
    }

    AcceleratorPolicy accelerators() {
        return accelerators;
    }

    CgroupPlacement cgroups() {
        return cgroups;
    }

    /** OTA workload-image units: an OCI layout tar whose images are named in full goes into the image cache. */
    @Override
    public boolean canLoadImageArchive(String format) {
        return settings.enabled() && "oci-layout".equals(format);
    }

    @Override
    public List<String> loadImageArchive(java.nio.file.Path archive) throws WorkloadException {
        return enabledImages().loadArchive(archive);
    }

    @Override
    public Optional<String> localImageId(String reference) throws WorkloadException {
        return enabledImages().imageId(reference);
    }

    @Override
    public void pointImage(String reference, Optional<String> imageId) throws WorkloadException {
        enabledImages().point(reference, imageId);
    }

    private ImageStore enabledImages() throws WorkloadException {
        if (!settings.enabled()) {
            throw new WorkloadException(WorkloadException.Reason.ENGINE_UNAVAILABLE, "the unikernel runtime is switched off"
                    + " (enabled=false in " + PID + ")");
        }
        return images;
    }

    @Override
    public AutoCloseable watch(RuntimeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    // --- validation and images -----------------------------------------------------------

    @Override
    public List<SpecProblem> validate(WorkloadSpec spec) {
        return SpecValidation.problems(spec, deviceMemoryBytes, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public void prepare(WorkloadSpec spec, boolean forcePull) throws WorkloadException {
        UnikernelImage image = images.prepare(spec.image(), forcePull);
        recentlyPrepared.put(image.manifestDigest(), Instant.now());
    }

    // --- start ---------------------------------------------------------------------------

    @Override
    public InstanceInfo start(InstanceRequest request) throws WorkloadException {
        WorkloadSpec spec = request.spec();
        String name = request.instanceName();
        List<SpecProblem> problems = validate(spec);
        long memoryMiB = spec.resources().memoryMiB();
        if (!problems.isEmpty()) {
            Reason reason = problems.stream().allMatch(p -> p.field().equals("resources.memoryMiB") || p.field().equals("resources.cpus"))
                    ? Reason.INSUFFICIENT_RESOURCES : Reason.UNSUPPORTED;
            throw new WorkloadException(reason, "workload " + spec.name() + ": " + problems.stream().map(SpecProblem::toString)
                    .reduce((a, b) -> a + "; " + b).orElse(""));
        }
        if (!availability().available()) {
            throw new WorkloadException(Reason.ENGINE_UNAVAILABLE, availability().detail());
        }
        UnikernelImage image = images.present(spec.image().reference()).orElse(null);
        if (image == null) {
            image = images.prepare(spec.image(), false);
        }
        VmmDriver driver = driver(spec, image);
        long guestMiB = memoryMiB > 0 ? memoryMiB : image.memoryMiB() > 0 ? image.memoryMiB() : settings.defaultMemoryMiB();
        if (deviceMemoryBytes > 0 && guestMiB * 1024 * 1024 > deviceMemoryBytes) {
            throw new WorkloadException(Reason.INSUFFICIENT_RESOURCES, "workload " + spec.name() + " needs " + guestMiB
                    + " MiB of guest memory, more than the device's " + deviceMemoryBytes / (1024 * 1024) + " MiB");
        }
        double cpus = spec.resources().cpus();
        int vcpus = cpus > 0 ? (int) Math.ceil(cpus) : Math.max(1, image.vcpus());
        Optional<VmNetwork> network = Optional.empty();
        Map<String, String> env = new LinkedHashMap<>(spec.env());
        if (request.bus().isPresent() && !"none".equals(spec.network())) {
            BusEndpoint bus = request.bus().get();
            if (!driver.supportsBrokerForward()) {
                throw new WorkloadException(Reason.UNSUPPORTED, "workload " + spec.name() + " has bus access, but " + driver.id()
                        + " cannot forward the broker to the guest; use options." + SpecValidation.HYPERVISOR_OPTION + "=qemu");
            }
            VmNetwork net = new VmNetwork(settings.guestBrokerHost(), settings.guestBrokerPort(), bus.port(), RELAY);
            network = Optional.of(net);
            env.put("MQTT_URI", net.brokerUri());
            env.put("MQTT_USERNAME", bus.username());
            env.put("MQTT_PASSWORD", bus.password());
            env.put("MQTT_CLIENT_ID", bus.clientId());
        }
        synchronized (lock(name)) {
            InstanceDir dir = instanceDir(name);
            Optional<RunningVm> existing = live(dir);
            if (existing.isPresent()) {
                throw new WorkloadException(Reason.START_FAILED, "instance " + name + " already runs (VMM pid " + existing.get().pid()
                        + "); stop or remove it first: one VM per instance");
            }
            try {
                clear(dir);
            } catch (IOException e) {
                throw new WorkloadException(Reason.INTERNAL, "cannot prepare the state directory " + dir.path() + ": " + e.getMessage(), e);
            }
            List<Accelerator> attempts = accelerators.attempts(driver.accelerators());
            if (attempts.isEmpty()) {
                throw new WorkloadException(Reason.UNSUPPORTED, driver.id() + " cannot run guests under accelerator "
                        + accelerators.mode().name().toLowerCase(java.util.Locale.ROOT) + " here; " + accelerators.describe());
            }
            List<String> notes = new ArrayList<>();
            for (int i = 0; i < attempts.size(); i++) {
                Accelerator accelerator = attempts.get(i);
                boolean last = i == attempts.size() - 1;
                String cmdline;
                try {
                    cmdline = KernelCommandLine.compose(image.cmdline(), accelerator, tscKhz(), image.annotations()
                            .getOrDefault(ENV_PREFIX_ANNOTATION, "hybridge.env."), env);
                } catch (IllegalArgumentException e) {
                    throw new WorkloadException(Reason.UNSUPPORTED, "workload " + spec.name() + ": " + e.getMessage());
                }
                VmLaunch launch = new VmLaunch(name, image, vcpus, guestMiB, accelerator, cmdline, network, dir);
                RunningVm vm;
                try {
                    vm = launch(request, driver, launch, cpus, String.join("; ", notes));
                } catch (VmLauncher.LaunchFailure e) {
                    if (accelerator == Accelerator.KVM && !last) {
                        String reason = driver.id() + " failed under KVM (" + e.getMessage() + "): KVM unusable here; falling back to TCG";
                        accelerators.kvmFailed(reason);
                        LOG.warn("Instance {}: {}", name, reason);
                        notes.add(reason);
                        continue;
                    }
                    throw new WorkloadException(Reason.START_FAILED, "instance " + name + ": " + driver.id() + " under "
                            + accelerator.id() + " did not start: " + e.getMessage()
                            + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")"));
                } catch (IOException | IllegalArgumentException e) {
                    throw new WorkloadException(Reason.START_FAILED, "instance " + name + ": " + e.getMessage(), e);
                }
                if (!accelerators.mustProve(accelerator)) {
                    return started(dir);
                }
                if (vm.awaitReady(accelerators.readinessDeadline())) {
                    accelerators.kvmWorked();
                    return started(dir);
                }
                boolean ended = vm.hasEnded();
                vm.discard();
                vm.kill(false);
                vm.awaitEnd(KILL_WAIT);
                running.remove(name, vm);
                String reason = ended
                        ? "KVM present but the guest ended without a sign of life: KVM unusable here"
                        : "KVM present but the guest showed no sign of life in " + accelerators.readinessDeadline().toSeconds()
                        + " s: KVM unusable here";
                reason += last ? "" : "; falling back to TCG";
                accelerators.kvmFailed(reason);
                LOG.warn("Instance {}: {}", name, reason);
                notes.add(reason);
                if (last) {
                    throw new WorkloadException(Reason.START_FAILED, "instance " + name + ": " + reason
                            + (accelerators.allowTcgFallback() ? "" : " (allowTcgFallback is off in " + PID + ")"));
                }
                try {
                    clear(dir);
                } catch (IOException e) {
                    throw new WorkloadException(Reason.INTERNAL, "cannot reset " + dir.path() + ": " + e.getMessage(), e);
                }
            }
            throw new WorkloadException(Reason.START_FAILED, "instance " + name + ": no accelerator left to try ("
                    + String.join("; ", notes) + ")");
        }
    }

    private InstanceInfo started(InstanceDir dir) throws WorkloadException {
        try {
            return info(dir);
        } catch (IOException e) {
            throw new WorkloadException(Reason.INTERNAL, "instance " + dir.name() + " started, but its state is unreadable: "
                    + e.getMessage(), e);
        }
    }

    private RunningVm launch(InstanceRequest request, VmmDriver driver, VmLaunch launch, double cpus, String notes) throws IOException {
        InstanceDir dir = launch.dir();
        Path binary = driver.binary().orElseThrow(() -> new IOException(driver.id() + " is not installed"));
        LaunchPlan plan = driver.plan(launch, binary);
        long overhead = settings.vmmOverheadMiB() + (launch.accelerator() == Accelerator.TCG ? settings.tcgTranslationCacheMiB() : 0);
        CgroupPlacement.Limits limits = CgroupPlacement.Limits.of(cpus, launch.memoryMiB(), overhead);
        List<Path> procs = settings.cgroupParent().isEmpty() ? List.of() : cgroups.prepare(launch.name(), limits);
        Map<String, String> manifest = new LinkedHashMap<>();
        manifest.put("gateway", request.gatewayId());
        manifest.put("workload", request.spec().name());
        manifest.put("replica", Integer.toString(request.replica()));
        manifest.put("specHash", request.specHash());
        manifest.put("imageReference", launch.image().reference());
        manifest.put("imageDigest", launch.image().manifestDigest());
        manifest.put("driver", driver.id());
        manifest.put("accelerator", launch.accelerator().id());
        manifest.put("vcpus", Integer.toString(launch.vcpus()));
        manifest.put("memoryMiB", Long.toString(launch.memoryMiB()));
        manifest.put("memoryLimitBytes", Long.toString(procs.isEmpty() ? 0 : limits.memoryBytes()));
        manifest.put("cpuQuotaMicros", Long.toString(procs.isEmpty() ? 0 : limits.cpuQuotaMicros()));
        manifest.put("readyLine", launch.image().annotations().getOrDefault(READY_LINE_ANNOTATION, ""));
        manifest.put("exitLine", launch.image().annotations().getOrDefault(EXIT_LINE_ANNOTATION, ConsoleLog.DEFAULT_EXIT_LINE));
        manifest.put("notes", notes);
        manifest.put("startedAt", Instant.now().toString());
        dir.writeManifest(manifest); // before the VMM starts: a VM never runs without its marks
        ProcessHandle process = VmLauncher.launch(plan, dir, procs);
        ProcessIdentity.of(process.pid()).ifPresent(identity -> manifest.put("pidStartTicks", Long.toString(identity.startTicks())));
        manifest.put("pid", Long.toString(process.pid()));
        dir.writeManifest(manifest);
        return watch(dir, driver, process, manifest, 0);
    }

    /** Watches a VM (started now, or adopted: console read from {@code consoleOffset}). */
    private RunningVm watch(InstanceDir dir, VmmDriver driver, ProcessHandle process, Map<String, String> manifest, long consoleOffset) {
        ControlLine control = null;
        if (driver.hasControlLine() && process.isAlive()) {
            control = connect(dir);
        }
        RunningVm vm = new RunningVm(dir, driver, process,
                new ConsoleLog(dir.console(), dir.rotatedConsole(), settings.consoleLogMaxBytes(), consoleOffset),
                manifest.getOrDefault("readyLine", ""), control);
        running.put(dir.name(), vm);
        vm.watch(this::ended);
        return vm;
    }

    /** The control socket appears when QEMU has set up the VM; a daemonized QEMU has by the time it returns. */
    private static ControlLine connect(InstanceDir dir) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                return ControlLine.connect(dir.controlSocket());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    LOG.warn("Instance {}: no control line at {} ({}); its end is seen by polling, stop kills it", dir.name(),
                            dir.controlSocket(), e.toString());
                    return null;
                }
                try {
                    Thread.sleep(50); // retry interval of a connect, not a wait for a test condition
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }
        }
    }

    /** A VM ended: record its exit (status from the console's exit line) and tell listeners. */
    private void ended(RunningVm vm) {
        running.remove(vm.dir().name(), vm);
        if (vm.discarded()) {
            return;
        }
        try {
            InstanceInfo info = recordExit(vm.dir(), vm.killedAfterGrace());
            LOG.info("Instance {} exited with {} ({})", vm.dir().name(), info.exitCode(), info.detail());
            for (RuntimeListener listener : listeners) {
                try {
                    listener.instanceExited(info);
                } catch (RuntimeException e) {
                    LOG.warn("Runtime listener {} failed", listener, e);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Instance {}: recording its exit failed", vm.dir().name(), e);
        }
    }

    private InstanceInfo recordExit(InstanceDir dir, boolean killedAfterGrace) throws IOException {
        Map<String, String> manifest = dir.manifest();
        List<String> tail = ConsoleLog.lastLines(dir.console(), dir.rotatedConsole(), 200);
        OptionalInt status = ConsoleLog.exitStatus(tail, manifest.getOrDefault("exitLine", ConsoleLog.DEFAULT_EXIT_LINE));
        boolean oom = !settings.cgroupParent().isEmpty() && cgroups.oomKilled(dir.name());
        int code;
        String detail;
        if (status.isPresent()) {
            code = status.getAsInt();
            detail = "the guest reported status " + code;
        } else if (oom) {
            code = KILLED;
            detail = "the VMM was killed by its cgroup's memory limit";
        } else if (killedAfterGrace) {
            code = KILLED;
            detail = "killed after the stop grace: the guest did not power off";
        } else {
            code = NO_EXIT_LINE;
            detail = "the VMM ended without the guest's exit line (killed from outside, or the guest crashed)";
        }
        Instant finished = Files.exists(dir.console()) ? Files.getLastModifiedTime(dir.console()).toInstant() : Instant.now();
        Map<String, String> exit = new LinkedHashMap<>();
        exit.put("exitCode", Integer.toString(code));
        exit.put("oomKilled", Boolean.toString(oom));
        exit.put("finishedAt", (killedAfterGrace || !status.isPresent() ? Instant.now() : finished).toString());
        exit.put("detail", detail);
        dir.writeExit(exit);
        return info(dir);
    }

    // --- stop and remove -----------------------------------------------------------------

    @Override
    public void stop(String instanceId, Duration grace) throws WorkloadException {
        synchronized (lock(instanceId)) {
            Optional<RunningVm> found = live(instanceDir(instanceId));
            if (found.isEmpty()) {
                return;
            }
            RunningVm vm = found.get();
            try {
                String how = vm.askToStop();
                LOG.info("Instance {}: asked to power off by {}", instanceId, how);
            } catch (IOException e) {
                LOG.warn("Instance {}: could not ask the guest to power off ({}); killing it", instanceId, e.toString());
                grace = Duration.ZERO;
            }
            // asked again every few seconds within the grace: a guest still booting may not listen yet
            long deadline = System.nanoTime() + grace.toNanos();
            boolean ended = false;
            while (!ended) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                ended = vm.awaitEnd(Duration.ofNanos(Math.min(left, ASK_AGAIN.toNanos())));
                if (!ended && System.nanoTime() < deadline) {
                    try {
                        vm.askToStop();
                    } catch (IOException e) {
                        // the first ask was logged; the kill follows at the deadline
                    }
                }
            }
            if (!ended) {
                vm.kill(true);
                if (!vm.awaitEnd(KILL_WAIT)) {
                    throw new WorkloadException(Reason.INTERNAL, "instance " + instanceId + ": VMM pid " + vm.pid()
                            + " still runs " + KILL_WAIT.toSeconds() + " s after SIGKILL");
                }
            }
        }
    }

    @Override
    public void remove(String instanceId) throws WorkloadException {
        synchronized (lock(instanceId)) {
            InstanceDir dir = instanceDir(instanceId);
            Optional<RunningVm> vm = live(dir);
            if (vm.isPresent()) {
                vm.get().kill(true);
                vm.get().awaitEnd(KILL_WAIT);
            }
            cgroups.remove(instanceId);
            try {
                Files.deleteIfExists(dir.controlSocket());
                Files.deleteIfExists(dir.qmpSocket());
                deleteTree(dir.path());
            } catch (IOException e) {
                throw new WorkloadException(Reason.INTERNAL, "cannot remove " + dir.path() + ": " + e.getMessage(), e);
            }
        }
        try {
            pump.execute(this::collectImageGarbage);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the runtime is deactivating: the next one collects
        }
    }

    /**
     * Frees the image cache of images no instance uses: kept are the images of every instance
     * directory (running or exited: an exited one may be restarted) and of every prepare in the
     * last {@link #PREPARE_GRACE} (a workload between prepare and start, or waiting out a backoff).
     * Runs after each remove, on the runtime's own thread.
     */
    void collectImageGarbage() {
        Instant cutoff = Instant.now().minus(PREPARE_GRACE);
        recentlyPrepared.values().removeIf(at -> at.isBefore(cutoff));
        Set<String> inUse = new HashSet<>(recentlyPrepared.keySet());
        Path root = settings.instancesDir();
        if (Files.isDirectory(root)) {
            try (Stream<Path> dirs = Files.list(root)) {
                for (Path path : dirs.toList()) {
                    String digest = new InstanceDir(path, settings.socketDir()).manifest().get("imageDigest");
                    if (digest != null) {
                        inUse.add(digest);
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("Image garbage collection skipped: the instance directories cannot be read ({})", e.toString());
                return; // never collect on a partial view of what is in use
            }
        }
        try {
            long freed = images.collectGarbage(inUse);
            if (freed > 0) {
                LOG.info("Unikernel image cache: {} MiB freed ({} images in use)", freed >> 20, inUse.size());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Unikernel image garbage collection failed: {}", e.toString());
        }
    }

    // --- instances -----------------------------------------------------------------------

    @Override
    public List<InstanceInfo> instances(String gatewayId) throws WorkloadException {
        List<InstanceInfo> found = new ArrayList<>();
        Path root = settings.instancesDir();
        if (!Files.isDirectory(root)) {
            return found;
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path path : dirs.sorted().toList()) {
                InstanceDir dir = new InstanceDir(path, settings.socketDir());
                try {
                    if (dir.exists() && gatewayId.equals(dir.manifest().get("gateway"))) {
                        synchronized (lock(dir.name())) {
                            found.add(current(dir));
                        }
                    }
                } catch (IOException e) {
                    LOG.warn("Instance directory {} is unreadable: {}", path, e.toString());
                }
            }
        } catch (IOException e) {
            throw new WorkloadException(Reason.INTERNAL, "cannot list " + root + ": " + e.getMessage(), e);
        }
        return found;
    }

    @Override
    public Optional<InstanceInfo> inspect(String instanceId) throws WorkloadException {
        InstanceDir dir = instanceDir(instanceId);
        if (!dir.exists()) {
            return Optional.empty();
        }
        synchronized (lock(instanceId)) {
            try {
                return Optional.of(current(dir));
            } catch (IOException e) {
                throw new WorkloadException(Reason.INTERNAL, "instance " + instanceId + ": " + e.getMessage(), e);
            }
        }
    }

    /** The instance as it is now, adopting its VM when it runs unwatched, recording its exit when it ended unwatched. */
    private InstanceInfo current(InstanceDir dir) throws IOException {
        if (live(dir).isEmpty() && dir.exit().isEmpty()) {
            recordExit(dir, false);
        }
        return info(dir);
    }

    /**
     * The running VM of this directory: the watched one, or one adopted now when its pid still
     * belongs to the VMM this directory started (same start time, same state directory in its
     * command line) — never a second VM, never a stranger's process.
     */
    private Optional<RunningVm> live(InstanceDir dir) {
        RunningVm vm = running.get(dir.name());
        if (vm != null && !vm.hasEnded()) {
            return Optional.of(vm);
        }
        if (!dir.exists()) {
            return Optional.empty();
        }
        try {
            Map<String, String> manifest = dir.manifest();
            if (!manifest.containsKey("pid") || !manifest.containsKey("pidStartTicks") || dir.exit().isPresent()) {
                return Optional.empty();
            }
            ProcessIdentity identity = new ProcessIdentity(Long.parseLong(manifest.get("pid")), Long.parseLong(manifest.get("pidStartTicks")));
            VmmDriver driver = drivers.stream().filter(d -> d.id().equals(manifest.get("driver"))).findFirst().orElse(null);
            if (driver == null || !identity.isAlive(driver.identityMark(dir))) {
                return Optional.empty();
            }
            Optional<ProcessHandle> process = ProcessHandle.of(identity.pid());
            if (process.isEmpty()) {
                return Optional.empty();
            }
            long offset = Files.exists(dir.console()) ? Files.size(dir.console()) : 0;
            LOG.info("Adopting instance {}: VMM pid {} still runs", dir.name(), identity.pid());
            return Optional.of(watch(dir, driver, process.get(), manifest, offset));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Instance {}: cannot read its state ({}); treated as not running", dir.name(), e.toString());
            return Optional.empty();
        }
    }

    private InstanceInfo info(InstanceDir dir) throws IOException {
        Map<String, String> manifest = dir.manifest();
        Optional<Map<String, String>> exit = dir.exit();
        RunningVm vm = running.get(dir.name());
        Instant started = instant(manifest.get("startedAt"));
        String notes = manifest.getOrDefault("notes", "");
        String runningDetail = manifest.getOrDefault("driver", "") + " under " + manifest.getOrDefault("accelerator", "")
                + ", pid " + manifest.getOrDefault("pid", "?") + (vm != null && vm.isReady() ? ", guest up" : "")
                + (notes.isEmpty() ? "" : "; " + notes);
        String workload = manifest.getOrDefault("workload", "");
        int replica = Integer.parseInt(manifest.getOrDefault("replica", "0"));
        String hash = manifest.getOrDefault("specHash", "");
        if (exit.isPresent()) {
            Map<String, String> e = exit.get();
            return new InstanceInfo(dir.name(), workload, replica, hash, InstanceState.EXITED,
                    Integer.parseInt(e.getOrDefault("exitCode", "-1")), Boolean.parseBoolean(e.get("oomKilled")), started,
                    instant(e.get("finishedAt")), e.getOrDefault("detail", ""));
        }
        if (vm != null && !vm.hasEnded()) {
            return new InstanceInfo(dir.name(), workload, replica, hash, InstanceState.RUNNING, 0, false, started, null, runningDetail);
        }
        return new InstanceInfo(dir.name(), workload, replica, hash, manifest.containsKey("pid") ? InstanceState.EXITED
                : InstanceState.CREATED, 0, false, started, null, runningDetail);
    }

    private static Instant instant(String text) {
        try {
            return text == null || text.isEmpty() ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public Optional<ResourceUsage> usage(String instanceId) {
        RunningVm vm = running.get(instanceId);
        if (vm == null || vm.hasEnded()) {
            return Optional.empty();
        }
        long limit = 0;
        try {
            limit = Long.parseLong(vm.dir().manifest().getOrDefault("memoryLimitBytes", "0"));
        } catch (IOException | NumberFormatException e) {
            // unknown limit
        }
        return vm.usage(limit);
    }

    @Override
    public List<String> logs(String instanceId, int maxLines) throws WorkloadException {
        InstanceDir dir = instanceDir(instanceId);
        if (!dir.exists()) {
            throw new WorkloadException(Reason.NOT_FOUND, "no instance " + instanceId + " in " + settings.instancesDir());
        }
        try {
            return ConsoleLog.lastLines(dir.console(), dir.rotatedConsole(), maxLines);
        } catch (IOException e) {
            throw new WorkloadException(Reason.INTERNAL, "cannot read the console of " + instanceId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AutoCloseable followLogs(String instanceId, Consumer<String> sink) throws WorkloadException {
        InstanceDir dir = instanceDir(instanceId);
        if (!dir.exists()) {
            throw new WorkloadException(Reason.NOT_FOUND, "no instance " + instanceId + " in " + settings.instancesDir());
        }
        Optional<RunningVm> vm;
        synchronized (lock(instanceId)) {
            vm = live(dir);
        }
        return vm.isPresent() ? vm.get().follow(sink) : () -> { };
    }

    // --- helpers -------------------------------------------------------------------------

    private VmmDriver driver(WorkloadSpec spec, UnikernelImage image) throws WorkloadException {
        String wanted = spec.options().getOrDefault(SpecValidation.HYPERVISOR_OPTION,
                image.hypervisor() == null || image.hypervisor().isEmpty() ? "" : image.hypervisor());
        if (!wanted.isEmpty()) {
            VmmDriver driver = drivers.stream().filter(d -> d.id().equals(wanted)).findFirst()
                    .orElseThrow(() -> new WorkloadException(Reason.UNSUPPORTED, "hypervisor '" + wanted + "' (from "
                            + (spec.options().containsKey(SpecValidation.HYPERVISOR_OPTION) ? "options." + SpecValidation.HYPERVISOR_OPTION
                            : "the image's com.urunc.unikernel.hypervisor") + "): use qemu, firecracker, hvt or spt"));
            if (driver.binary().isEmpty()) {
                throw new WorkloadException(Reason.ENGINE_UNAVAILABLE, "hypervisor " + wanted + " is not installed on this gateway");
            }
            return driver;
        }
        return drivers.stream().filter(d -> d.binary().isPresent()).findFirst()
                .orElseThrow(() -> new WorkloadException(Reason.ENGINE_UNAVAILABLE, availability().detail()));
    }

    private InstanceDir instanceDir(String name) {
        return new InstanceDir(settings.instancesDir().resolve(name), settings.socketDir());
    }

    private Object lock(String name) {
        return locks.computeIfAbsent(name, n -> new Object());
    }

    /** Empties the directory of a previous run (same instance name), keeping nothing of it. */
    private static void clear(InstanceDir dir) throws IOException {
        deleteTree(dir.path());
        Files.createDirectories(dir.path());
        Files.createDirectories(dir.socketDir());
        Files.deleteIfExists(dir.controlSocket());
        Files.deleteIfExists(dir.qmpSocket());
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** The host's TSC rate for {@code tsc_early_khz} under TCG (see the README); 0 when unknown. */
    static long tscKhz() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    return Math.round(Double.parseDouble(line.substring(line.indexOf(':') + 1).trim()) * 1000);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }
}
