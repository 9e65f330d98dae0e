package io.hybridge.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        int exitCode;
        try {
            exitCode = run(home, launchedAt);
        } catch (IllegalArgumentException | java.io.IOException e) {
            // configuration problems: say what is wrong, no stack trace
            log().error("Hybridge cannot start: {}", e.getMessage());
            exitCode = 2;
        }
        System.exit(exitCode);
    }

    private static int run(Path home, long launchedAt) throws Exception {
        while (true) {
            GatewayProperties properties = GatewayProperties.load(home, System.getenv());
            Framework framework = newFramework(properties.asMap());
            Thread shutdownHook = new Thread(() -> stop(framework), "hybridge-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);

            framework.init();
            StartupProfile profile = StartupProfile.attach(framework.getBundleContext());
            log().debug("framework initialized {} ms after launch", System.currentTimeMillis() - launchedAt);
            List<FeatureDocument> features = new ArrayList<>();
            for (String name : properties.features()) {
                Path file = home.resolve("etc/features").resolve(name + ".json");
                if (!Files.isRegularFile(file)) {
                    throw new IllegalArgumentException("feature '" + name + "' (hybridge.features) has no document "
                            + file + "; available: " + available(home.resolve("etc/features")));
                }
                features.add(FeatureDocument.read(file));
            }
            for (Bundle bundle : new FeatureSync(framework.getBundleContext(), home).sync(features)) {
                if (bundle.getHeaders().get(Constants.FRAGMENT_HOST) == null) {
                    bundle.start(); // marks it persistently started; runs when its start level is reached
                }
            }
            log().debug("feature bundles in place {} ms after launch", System.currentTimeMillis() - launchedAt);
            framework.start();
            profile.report(framework.getBundleContext());
            log().info("Hybridge framework started in {} ms (features {}, home {})",
                    System.currentTimeMillis() - launchedAt, properties.features(), home);

            FrameworkEvent event = framework.waitForStop(0);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting through the hook
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
