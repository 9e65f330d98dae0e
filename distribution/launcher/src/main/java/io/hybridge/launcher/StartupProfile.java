package io.hybridge.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records how long each bundle's activation takes during start-up and logs the slowest
 * ones at DEBUG (logger {@code io.hybridge.launcher.StartupProfile}): the first place to look
 * when a gateway starts slowly on a small board.
 */
final class StartupProfile implements SynchronousBundleListener, org.osgi.framework.FrameworkListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupProfile.class);

    private final Map<Long, Long> starting = new ConcurrentHashMap<>();
    private final List<String> durations = new ArrayList<>();

    static StartupProfile attach(BundleContext context) {
        // listeners always: Logback may still be configuring, so whether DEBUG is on is asked at report time
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
                synchronized (durations) {
                    durations.add(String.format("%5d ms %s", (System.nanoTime() - began) / 1_000_000,
                            event.getBundle().getSymbolicName()));
                }
            }
        }
    }

    @Override
    public void frameworkEvent(org.osgi.framework.FrameworkEvent event) {
        if (event.getType() == org.osgi.framework.FrameworkEvent.STARTLEVEL_CHANGED) {
            LOG.debug("start level reached {} ms after launch", System.currentTimeMillis()
                    - java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        }
    }

    void report(BundleContext context) {
        context.removeBundleListener(this);
        context.removeFrameworkListener(this);
        if (!LOG.isDebugEnabled()) {
            return;
        }
        synchronized (durations) {
            durations.sort((a, b) -> b.compareTo(a));
            LOG.debug("slowest bundle activations:\n  {}", String.join("\n  ", durations.subList(0, Math.min(8, durations.size()))));
        }
    }
}
