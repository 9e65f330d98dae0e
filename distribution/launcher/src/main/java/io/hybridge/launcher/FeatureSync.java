package io.hybridge.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the framework hold exactly the bundles of the installation's features: installs
 * the missing ones, updates those whose jar changed (after an upgrade of the installation),
 * and uninstalls feature bundles no feature names any more. Bundles an operator installed
 * (web console, {@code deploy/}) are not the launcher's and are left alone, and a feature
 * bundle the operator stopped stays stopped.
 */
final class FeatureSync {

    private static final Logger LOG = LoggerFactory.getLogger(FeatureSync.class);
    private static final String LOCATION_PREFIX = "feature:";

    private final BundleContext context;
    private final Path bundlesDir;
    private final Path stateFile;

    /**
     * @param home     the installation, whose framework cache holds the stamps
     * @param slotHome the running slot, whose {@code bundles/} the features name
     */
    FeatureSync(BundleContext context, Path home, Path slotHome) {
        this.context = context;
        this.bundlesDir = slotHome.resolve("bundles");
        this.stateFile = home.resolve("var/cache/hybridge-features.properties");
    }

    /** Returns the bundles that were installed or updated now and need starting. */
    List<Bundle> sync(List<FeatureDocument> features) throws IOException, BundleException {
        Map<String, FeatureDocument.BundleRef> wanted = new LinkedHashMap<>();
        for (FeatureDocument feature : features) {
            for (FeatureDocument.BundleRef ref : feature.bundles()) {
                wanted.putIfAbsent(ref.location(), ref);
            }
        }
        Map<String, Bundle> installed = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getLocation().startsWith(LOCATION_PREFIX)) {
                installed.put(bundle.getLocation(), bundle);
            }
        }
        Properties stamps = loadStamps();
        List<Bundle> toStart = new ArrayList<>();
        for (FeatureDocument.BundleRef ref : wanted.values()) {
            Path jar = bundlesDir.resolve(ref.path());
            if (!Files.isRegularFile(jar)) {
                throw new IOException("feature bundle " + ref.groupId() + ":" + ref.artifactId() + ":"
                        + ref.version() + " is missing: expected " + jar);
            }
            // seconds: a tar archive keeps a jar's time to the second, so the same jar staged into a
            // self-update slot is recognised as unchanged and not updated on every switch
            String stamp = Files.size(jar) + ":" + Files.getLastModifiedTime(jar).to(java.util.concurrent.TimeUnit.SECONDS)
                    + ":" + ref.version();
            Bundle bundle = installed.remove(ref.location());
            if (bundle == null) {
                try (InputStream in = Files.newInputStream(jar)) {
                    bundle = context.installBundle(ref.location(), in);
                }
                LOG.debug("installed {} {}", bundle.getSymbolicName(), bundle.getVersion());
                toStart.add(bundle);
            } else if (!stamp.equals(stamps.getProperty(ref.location()))) {
                try (InputStream in = Files.newInputStream(jar)) {
                    bundle.update(in);
                }
                LOG.info("updated {} to {} from {}", bundle.getSymbolicName(), bundle.getVersion(), jar);
                toStart.add(bundle);
            }
            if (ref.startOrder() > 0) {
                bundle.adapt(BundleStartLevel.class).setStartLevel(ref.startOrder());
            }
            stamps.setProperty(ref.location(), stamp);
        }
        for (Bundle stale : installed.values()) {
            LOG.info("uninstalling {}: no feature names {} any more", stale.getSymbolicName(), stale.getLocation());
            stale.uninstall();
            stamps.remove(stale.getLocation());
        }
        saveStamps(stamps);
        return toStart;
    }

    private Properties loadStamps() throws IOException {
        Properties stamps = new Properties();
        if (Files.isRegularFile(stateFile)) {
            try (InputStream in = Files.newInputStream(stateFile)) {
                stamps.load(in);
            }
        }
        return stamps;
    }

    private void saveStamps(Properties stamps) throws IOException {
        Files.createDirectories(stateFile.getParent());
        Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
        try (var out = Files.newOutputStream(tmp)) {
            stamps.store(out, "jar stamps of the installed feature bundles (size:mtime in seconds:version)");
        }
        Files.move(tmp, stateFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
