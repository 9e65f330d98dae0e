package io.hybridge.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Runs one Hybridge gateway in the foreground: Apache Felix with the bundles of the
 * installation's features, until SIGTERM (clean shutdown) or a framework stop. A
 * framework update from the web console restarts the framework in the same process.
 * It runs one slot of the installation ({@code -Dhybridge.slot}, chosen by bin/hybridge; see
 * {@link SlotProtocol}): its {@code etc/framework.properties}, {@code etc/features/} and
 * {@code bundles/}, with the installation's state.
 */
public final class Main {

    /** How long a clean shutdown may take before the JVM exits anyway. */
    private static final long STOP_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);

    private Main() {
    }

    private static Logger log() {
        return LoggerFactory.getLogger(Main.class);
    }

    public static void main(String[] args) throws Exception {
        // measured from the JVM's start, so that JVM and class-loading costs show in the figure
        long launchedAt = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        // Configuring Logback takes as long as initializing Felix; do both at once. Loggers
        // asked for meanwhile are SLF4J substitutes that deliver once Logback is ready.
        Thread loggingInit = new Thread(LoggerFactory::getILoggerFactory, "hybridge-logging-init");
        loggingInit.setDaemon(true);
        loggingInit.start();
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        Path home = Path.of(System.getProperty("hybridge.home", ".")).toAbsolutePath().normalize();
        SlotDirectory slots = new SlotDirectory(home);
        SlotProtocol protocol = new SlotProtocol(slots, Clock.systemUTC());
        String slot = System.getProperty("hybridge.slot", SlotDirectory.FACTORY);
        Optional<SlotProtocol.Trial> trial = Optional.empty();
        int exitCode;
        try {
            // settle the self-update files before anything of the slot can fail, so that a slot
            // that cannot even start is a failed trial and not a loop
            trial = protocol.resolve(slot, trialExit(), trialLength(home)).trial();
            if (!slots.isStaged(slot)) {
                throw new IllegalArgumentException("slot '" + slot + "' (hybridge.slot) is not staged: no "
                        + slots.dir().resolve(slot).resolve(SlotDirectory.SLOT_PROPERTIES));
            }
            SupervisorWatch.startIfSupervised();
            exitCode = run(home, slots.home(slot), protocol, trial, launchedAt);
        } catch (IllegalArgumentException | java.io.IOException e) {
            // configuration problems: say what is wrong, no stack trace
            log().error("Hybridge cannot start: {}", e.getMessage());
            if (trial.isPresent()) {
                try {
                    protocol.recordFailure(slot, "could not start: " + e.getMessage());
                } catch (java.io.IOException unrecorded) {
                    log().error("self-update: cannot record why slot {} failed", slot, unrecorded);
                }
            }
            exitCode = 2;
        }
        System.exit(exitCode);
    }

    private static int run(Path home, Path slotHome, SlotProtocol protocol, Optional<SlotProtocol.Trial> trial,
            long launchedAt) throws Exception {
        TrialWatch watch = null;
        while (true) {
            GatewayProperties properties = GatewayProperties.load(home, slotHome, System.getenv());
            if (trial.isPresent() && watch == null) {
                boolean launcherConfirms = !"external".equals(properties.get("hybridge.selfupdate.confirmer", "launcher"));
                watch = new TrialWatch(protocol, trial.get(),
                        launcherConfirms ? HealthConfirmer.from(properties) : null, Clock.systemUTC(),
                        status -> Runtime.getRuntime().halt(status));
                watch.start();
            }
            Framework framework = newFramework(properties.asMap());
            Thread shutdownHook = new Thread(() -> stop(framework), "hybridge-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);

            framework.init();
            StartupProfile profile = StartupProfile.attach(framework.getBundleContext());
            log().debug("framework initialized {} ms after launch", System.currentTimeMillis() - launchedAt);
            List<FeatureDocument> features = new ArrayList<>();
            for (String name : properties.features()) {
                Path file = slotHome.resolve("etc/features").resolve(name + ".json");
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("feature '" + name + "' (hybridge.features) has no document "
                            + file + "; available: " + available(slotHome.resolve("etc/features")));
                }
                features.add(FeatureDocument.read(file));
            }
            for (Bundle bundle : new FeatureSync(framework.getBundleContext(), home, slotHome).sync(features)) {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start(); // marks it persistently started; runs when its start level is reached
                }
            }
            log().debug("feature bundles in place {} ms after launch", System.currentTimeMillis() - launchedAt);
            framework.start();
            if (watch != null) {
                watch.watching(framework);
            }
            profile.report(framework.getBundleContext());
            log().info("Hybridge {} framework started in {} ms (slot {}, features {}, home {})",
                    properties.get("hybridge.version", ""), System.currentTimeMillis() - launchedAt,
                    properties.get("hybridge.slot", SlotDirectory.FACTORY), properties.features(), home);

            FrameworkEvent event = framework.waitForStop(0);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting through the hook
            }
            if (event.getType() != FrameworkEvent.ERROR && protocol.switchPending()) {
                // the deploy bundle wrote var/slots/next and stopped the framework: bin/hybridge starts it
                log().info("framework stopped with slot {} pending: handing over to bin/hybridge",
                        protocol.slots().read("next").orElse("?"));
                return SlotProtocol.EXIT_SWITCH;
            }
            if (event.getType() == FrameworkEvent.STOPPED_UPDATE) {
                log().info("framework updated: restarting");
                launchedAt = System.currentTimeMillis();
                continue;
            }
            if (event.getType() == FrameworkEvent.ERROR) {
                log().error("framework stopped with an error", event.getThrowable());
                return 1;
            }
            log().info("Hybridge stopped");
            return 0;
        }
    }

    /** The exit status of the previous launcher when it ended during a trial (set by bin/hybridge). */
    private static OptionalInt trialExit() {
        String value = System.getenv("HYBRIDGE_TRIAL_EXIT");
        try {
            return value == null || value.isBlank() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * How long a slot on trial has to be confirmed: {@code -Dhybridge.selfupdate.trial.seconds}, else
     * the installation's {@code etc/framework.properties}, else 120 s. Read before the slot's own
     * files, which may be the broken part.
     */
    static Duration trialLength(Path home) {
        String value = System.getProperty("hybridge.selfupdate.trial.seconds");
        if (value == null) {
            Properties factory = new Properties();
            try (var reader = Files.newBufferedReader(home.resolve("etc/framework.properties"))) {
                factory.load(reader);
            } catch (java.io.IOException | IllegalArgumentException e) {
                // the default below
            }
            value = factory.getProperty("hybridge.selfupdate.trial.seconds", "120");
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds > 0) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        log().warn("hybridge.selfupdate.trial.seconds is '{}': expected a positive number of seconds; using 120", value);
        return Duration.ofSeconds(120);
    }

    private static Framework newFramework(Map<String, String> properties) {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no OSGi framework on the class path"));
        return factory.newFramework(properties);
    }

    private static void stop(Framework framework) {
        try {
            if ((framework.getState() & (Bundle.ACTIVE | Bundle.STARTING)) != 0) {
                log().info("stopping Hybridge");
                framework.stop();
                FrameworkEvent event = framework.waitForStop(STOP_TIMEOUT_MS);
                if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                    log().warn("framework did not stop within {} ms; exiting anyway", STOP_TIMEOUT_MS);
                }
            }
        } catch (BundleException | InterruptedException e) {
            log().warn("clean shutdown failed", e);
        }
    }

    private static String available(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - 5))
                    .sorted()
                    .toList()
                    .toString();
        } catch (java.io.IOException e) {
            return "none (" + dir + " unreadable)";
        }
    }
}
