package io.hybridge.launcher;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how long each bundle's activation takes during start-up and logs the slowest
 * ones at DEBUG (logger
 * {@code io.hybridge.launcher.StartupProfile}): the first place to look when a gateway starts
 * slowly on a small board. Recording is two map writes per bundle; formatting waits for the
 * report, so the profile costs the start next to nothing when DEBUG is off.
 */
final class StartupProfile implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupProfile.class);

    private final Map<Long, Long> starting = new ConcurrentHashMap<>();
    private final Map<String, Long> activationNanos = new ConcurrentHashMap<>();

    /** Listens from now on; whether DEBUG is on is asked at report time (Logback may still be configuring). */
    static StartupProfile attach(BundleContext context) {
        StartupProfile profile = new StartupProfile();
        context.addBundleListener(profile);
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

    void report(BundleContext context) {
        context.removeBundleListener(this);
        if (!LOG.isDebugEnabled()) {
            return;
        }
        List<String> slowest = activationNanos.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(8)
                .map(e -> String.format("%5d ms %s", e.getValue() / 1_000_000, e.getKey()))
                .collect(Collectors.toList());
        LOG.debug("slowest bundle activations:\n  {}", String.join("\n  ", slowest));
    }
}
