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
final class StartupProfile implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(StartupProfile.class);

    private final Map<Long, Long> starting = new ConcurrentHashMap<>();
    private final List<String> durations = new ArrayList<>();

    static StartupProfile attach(BundleContext context) {
        StartupProfile profile = new StartupProfile();
        if (LOG.isDebugEnabled()) {
            context.addBundleListener(profile);
        }
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

    void report(BundleContext context) {
        if (!LOG.isDebugEnabled()) {
            return;
        }
        context.removeBundleListener(this);
        synchronized (durations) {
            durations.sort((a, b) -> b.compareTo(a));
            LOG.debug("slowest bundle activations:\n  {}", String.join("\n  ", durations.subList(0, Math.min(8, durations.size()))));
        }
    }
}
