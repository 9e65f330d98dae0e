package io.hybridge.device.internal;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.device.DeviceProfile;
import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;

/**
 * Owns the gateway's active device profile. Detection runs on its own thread, so activation
 * returns at once and a slow Docker engine (the ping waits up to one second) delays nobody;
 * the {@link DeviceProfile} service is registered when detection is done, and until then the
 * device health says STARTING. A consumer that needs the profile simply waits for the
 * service. With a re-detection interval, a changed profile is registered anew before the
 * old registration goes, so consumers switch without a gap.
 */
@Component(
        service = HealthContributor.class,
        configurationPid = ActiveDeviceProfile.PID,
        property = HealthContributor.SUBSYSTEM + "=" + ActiveDeviceProfile.SUBSYSTEM)
@Designate(ocd = DeviceProfileConfig.class)
public final class ActiveDeviceProfile implements HealthContributor {

    static final String PID = "io.hybridge.device";
    static final String SUBSYSTEM = "device";
    /** Framework property: a directory of operator profiles that add to or replace the built-in ones by id. */
    static final String PROFILES_DIR_PROPERTY = "hybridge.device.profiles.dir";
    /**
     * Framework property (the launcher sets it from {@code HYBRIDGE_DEVICE_PROFILE}): the profile
     * to use while no configuration {@value #PID} exists. A configuration, which has a
     * {@code service.pid}, always wins: it is the operator's later, explicit choice.
     */
    static final String PROFILE_PROPERTY = "hybridge.device.profile";
    /** Framework property: the Docker engine's socket, shared with the container driver. */
    static final String DOCKER_SOCKET_PROPERTY = "hybridge.docker.socket";
    static final String DEFAULT_DOCKER_SOCKET = "/var/run/docker.sock";
    static final String PROFILE_ID_SERVICE_PROPERTY = "device.profile.id";
    static final String ARCHITECTURE_SERVICE_PROPERTY = "device.architecture";

    private static final Logger LOG = LoggerFactory.getLogger(ActiveDeviceProfile.class);
    private static final Duration DOCKER_TIMEOUT = Duration.ofSeconds(1);
    private static final String BUILT_IN_PROFILES = "device-profiles";

    private final BundleContext context;
    private final String requestedProfile;
    private final String requestedBy;
    private final Path profilesDir;
    private final MachineDetector detector;
    private final ScheduledExecutorService executor;
    private final AtomicReference<ServiceRegistration<DeviceProfile>> registration = new AtomicReference<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Health health = Health.of(HealthStatus.STARTING, "detecting the machine");

    // only touched on the detection thread
    private ResolvedDeviceProfile registered;
    private List<String> reportedProblems = List.of();
    private boolean firstDetection = true;

    @Activate
    public ActiveDeviceProfile(BundleContext context, DeviceProfileConfig config, Map<String, Object> properties) {
        this.context = context;
        String fromLauncher = context.getProperty(PROFILE_PROPERTY);
        if (properties.containsKey(Constants.SERVICE_PID) || fromLauncher == null || fromLauncher.isBlank()) {
            this.requestedProfile = config.profile();
            this.requestedBy = ProfileResolver.CONFIGURATION;
        } else {
            this.requestedProfile = fromLauncher.strip();
            this.requestedBy = "framework property " + PROFILE_PROPERTY + " (HYBRIDGE_DEVICE_PROFILE)";
        }
        this.profilesDir = pathProperty(context, PROFILES_DIR_PROPERTY, null);
        Path dockerSocket = pathProperty(context, DOCKER_SOCKET_PROPERTY, DEFAULT_DOCKER_SOCKET);
        this.detector = MachineDetector.forThisMachine(dockerSocket, DOCKER_TIMEOUT);
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "hybridge-device-detection");
            thread.setDaemon(true);
            return thread;
        });
        executor.execute(this::detect);
        int interval = config.redetect_interval_seconds();
        if (interval > 0) {
            executor.scheduleWithFixedDelay(this::detect, interval, interval, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        closed.set(true);
        // interrupting the thread also closes a Docker ping's socket
        executor.shutdownNow();
        unregister(registration.getAndSet(null));
    }

    @Override
    public String subsystem() {
        return SUBSYSTEM;
    }

    @Override
    public Health health() {
        return health;
    }

    private void detect() {
        try {
            long started = System.nanoTime();
            MachineFacts facts = detector.facts();
            DetectedCapabilities capabilities = detector.capabilities(facts.architecture());
            Resolution resolution = ProfileResolver.resolve(loadCatalog(), requestedProfile, requestedBy, facts, capabilities);
            if (closed.get()) {
                return;
            }
            report(resolution, (System.nanoTime() - started) / 1_000_000);
            publish(resolution.profile());
            health = resolution.health();
        } catch (RuntimeException e) {
            if (!closed.get()) {
                LOG.error("Device detection failed; no DeviceProfile service is registered", e);
                health = Health.down("Device detection failed: " + e);
            }
        } finally {
            firstDetection = false;
        }
    }

    private ProfileCatalog loadCatalog() {
        List<ProfileSource> builtIn = new ArrayList<>();
        Enumeration<URL> entries = context.getBundle().findEntries(BUILT_IN_PROFILES, "*.json", false);
        while (entries != null && entries.hasMoreElements()) {
            builtIn.add(ProfileSource.of(entries.nextElement()));
        }
        builtIn.sort(Comparator.comparing(ProfileSource::origin));
        return ProfileCatalog.load(builtIn, operatorProfiles());
    }

    private List<ProfileSource> operatorProfiles() {
        if (profilesDir == null) {
            return List.of();
        }
        if (!Files.isDirectory(profilesDir)) {
            if (firstDetection) {
                LOG.warn("{}={} is not a directory; using the built-in device profiles only",
                        PROFILES_DIR_PROPERTY, profilesDir);
            }
            return List.of();
        }
        try {
            return ProfileSource.jsonFilesIn(profilesDir);
        } catch (IOException e) {
            LOG.warn("Cannot list device profiles in {}={}: {}; using the built-in ones only",
                    PROFILES_DIR_PROPERTY, profilesDir, e.toString());
            return List.of();
        }
    }

    /** Logs what changed, so that a re-detection every few seconds does not repeat itself. */
    private void report(Resolution resolution, long elapsedMillis) {
        if (!resolution.problems().equals(reportedProblems)) {
            resolution.errors().forEach(LOG::error);
            resolution.warnings().forEach(LOG::warn);
            reportedProblems = resolution.problems();
        }
        ResolvedDeviceProfile profile = resolution.profile();
        if (!profile.sameAs(registered)) {
            LOG.info("Device profile {} ({}, {}): {}, {} cores, {} MiB; docker={}, qemu={}, kvm={}; detected in {} ms",
                    profile.id(), profile.name(), profile.source(), profile.architecture(), profile.cpuCores(),
                    profile.memoryMiB(), profile.capabilities().dockerReachable(),
                    profile.capabilities().qemuPresent(), profile.capabilities().kvmUsable(), elapsedMillis);
        }
    }

    private void publish(ResolvedDeviceProfile profile) {
        if (profile.sameAs(registered)) {
            return;
        }
        ServiceRegistration<DeviceProfile> fresh = context.registerService(DeviceProfile.class, profile,
                FrameworkUtil.asDictionary(Map.of(
                        PROFILE_ID_SERVICE_PROPERTY, profile.id(),
                        ARCHITECTURE_SERVICE_PROPERTY, profile.architecture())));
        registered = profile;
        unregister(registration.getAndSet(fresh));
        // deactivated while registering: whichever of the two threads takes the registration unregisters it
        if (closed.get()) {
            unregister(registration.getAndSet(null));
        }
    }

    private static void unregister(ServiceRegistration<?> registration) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException e) {
                // already gone with the bundle
            }
        }
    }

    private static Path pathProperty(BundleContext context, String name, String fallback) {
        String value = context.getProperty(name);
        String path = value == null || value.isBlank() ? fallback : value.strip();
        try {
            return path == null ? null : Path.of(path);
        } catch (InvalidPathException e) {
            LOG.error("Framework property {}={} is not a valid path; using {}", name, value, fallback);
            return fallback == null ? null : Path.of(fallback);
        }
    }
}
