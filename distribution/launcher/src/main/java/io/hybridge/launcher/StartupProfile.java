package io.hybridge.launcher;

import java.lang.management.ManagementFactory;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how long each bundle's activation takes during start-up and logs the slowest
 * ones, and when each start level is reached, at DEBUG (logger
 * {@code io.hybridge.launcher.StartupProfile}): the first place to look when a gateway starts
 * slowly on a small board. Recording is two map writes per bundle; formatting waits for the
 * report, so the profile costs the start next to nothing when DEBUG is off.
 */
final class StartupProfile implements SynchronousBundleListener, FrameworkListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupProfile.class);

    private final Map<Long, Long> starting = new ConcurrentHashMap<>();
    private final Map<String, Long> activationNanos = new ConcurrentHashMap<>();
    private final Map<Integer, Long> startLevelMillis = new ConcurrentHashMap<>();
    private final long launchedAt = ManagementFactory.getRuntimeMXBean().getStartTime();

    /** Listens from now on; whether DEBUG is on is asked at report time (Logback may still be configuring). */
    static StartupProfile attach(BundleContext context) {
        StartupProfile profile = new StartupProfile();
        context.addBundleListener(profile);
        context.addFrameworkListener(profile);
        return profile;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        long id = event.getBundle().getBundleId();
        if (event.getType() == BundleEvent.STARTING) {
            starting.put(id, System.nanoTime());
        } else if (event.getType() == BundleEvent.STARTED) {
            Long began = starting.remove(id);
            if (began != null) {
                activationNanos.put(event.getBundle().getSymbolicName(), System.nanoTime() - began);
            }
        }
    }

    @Override
    public void frameworkEvent(FrameworkEvent event) {
        if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
            startLevelMillis.put(startLevelMillis.size() + 1, System.currentTimeMillis() - launchedAt);
        }
    }

    void report(BundleContext context) {
        context.removeBundleListener(this);
        context.removeFrameworkListener(this);
        if (!LOG.isDebugEnabled()) {
            return;
        }
        List<String> slowest = activationNanos.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(8)
                .map(e -> String.format("%5d ms %s", e.getValue() / 1_000_000, e.getKey()))
                .collect(Collectors.toList());
        LOG.debug("start levels reached (ms after launch, in order): {}; slowest bundle activations:\n  {}",
                startLevelMillis.values(), String.join("\n  ", slowest));
    }
}
