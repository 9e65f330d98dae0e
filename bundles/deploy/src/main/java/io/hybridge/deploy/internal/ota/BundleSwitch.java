package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;

/**
 * Changes the framework's bundles for a unit, and undoes it. A switch stops the bundles it
 * replaces, updates them in place, installs the new ones, and starts anything only once every
 * bundle of the unit resolves — so a unit whose bundles do not resolve never runs half. The
 * undo puts each replaced bundle's previous jar back (from the unit store) and uninstalls the
 * new ones; it is idempotent, which is what lets recovery after {@code kill -9} run it whatever
 * Felix had persisted when the process died (the old revision, the new one, or an installed but
 * not yet started bundle).
 *
 * <p>Felix persists each step: the replaced bundle is stopped persistently first, so a restart
 * in the middle of a switch does not start a half-switched bundle before the undo; new bundles
 * are started (persistently) only once all of them resolved.
 *
 * <p>Interruption of an updated bundle is stop → update (Felix copies the jar into its cache) →
 * resolve → start; a refresh (which would restart the bundle's importers) happens only when the
 * old revision is still wired to someone.
 */
final class BundleSwitch {

    /** Locations of bundles a unit brought; the unit name and symbolic name keep them unique. */
    static final String LOCATION_PREFIX = "hybridge-ota:";
    private static final long REFRESH_TIMEOUT_SECONDS = 60;

    private final BundleContext context;
    private final UnitStore store;

    BundleSwitch(BundleContext context, UnitStore store) {
        this.context = context;
        this.store = store;
    }

    /**
     * Decides what each jar does: update the installed bundle of the same symbolic name (after
     * keeping a copy of what it runs now) or install a new one.
     */
    List<BundleChange> plan(String unitName, List<Path> jars) throws DeployException {
        List<BundleChange> changes = new ArrayList<>();
        for (Path jar : jars) {
            Manifest manifest;
            try (JarFile file = new JarFile(jar.toFile(), false)) {
                manifest = file.getManifest();
            } catch (IOException e) {
                throw new DeployException("bundle " + jar.getFileName() + " cannot be read: " + e.getMessage());
            }
            String bsn = manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME).split(";")[0].trim();
            String version = Optional.ofNullable(manifest.getMainAttributes().getValue(Constants.BUNDLE_VERSION))
                    .map(String::trim).orElse("0.0.0");
            if (bsn.equals(context.getBundle().getSymbolicName()) || bsn.equals(Constants.SYSTEM_BUNDLE_SYMBOLICNAME)
                    || context.getBundle(0).getSymbolicName().equals(bsn)) {
                throw new DeployException("bundle " + bsn + " is part of Hybridge itself: it is updated by a Hybridge"
                        + " self-update (two slots), not as a bundle unit");
            }
            Optional<Bundle> existing = installed(bsn);
            if (existing.isPresent()) {
                Bundle bundle = existing.get();
                Path previous;
                try {
                    previous = store.snapshot(bundle);
                } catch (IOException | IllegalStateException e) {
                    throw new DeployException("no rollback copy of " + bsn + " " + bundle.getVersion()
                            + " could be kept: " + e.getMessage() + "; nothing was changed");
                }
                changes.add(new BundleChange(bundle.getLocation(), bsn, version, jar.toString(),
                        bundle.getVersion().toString(), previous.toString(), bundle.getState() == Bundle.ACTIVE));
            } else {
                changes.add(new BundleChange(LOCATION_PREFIX + unitName + "/" + bsn, bsn, version, jar.toString(),
                        null, null, false));
            }
        }
        return changes;
    }

    /** The newest installed bundle of that symbolic name. */
    Optional<Bundle> installed(String symbolicName) {
        Bundle best = null;
        for (Bundle bundle : context.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())
                    && (best == null || bundle.getVersion().compareTo(best.getVersion()) > 0)) {
                best = bundle;
            }
        }
        return Optional.ofNullable(best);
    }

    Optional<Bundle> at(String location) {
        return Optional.ofNullable(context.getBundle(location));
    }

    /**
     * The switched bundles, and the longest time one of the replaced bundles was not active
     * (stop to the end of its new revision's start): the service interruption of the update.
     */
    record Switched(List<Bundle> bundles, long interruptionMillis) {
    }

    /**
     * Switches to the new jars and starts them. On failure the framework is left as it is for
     * {@link #undo} to repair; the exception names the bundle and why.
     */
    Switched apply(List<BundleChange> changes) throws DeployException {
        List<Bundle> touched = new ArrayList<>();
        List<Bundle> updated = new ArrayList<>();
        java.util.Map<Bundle, Long> stoppedAt = new java.util.HashMap<>();
        for (BundleChange change : changes) {
            try (InputStream jar = Files.newInputStream(Path.of(change.jar()))) {
                Bundle bundle = context.getBundle(change.location());
                if (bundle != null) {
                    stoppedAt.put(bundle, System.nanoTime());
                    // a persistent stop: should the process die mid-switch, Felix does not start the
                    // half-switched bundle on the next start before the recovery has undone the switch
                    bundle.stop();
                    bundle.update(jar);
                    updated.add(bundle);
                } else {
                    bundle = context.installBundle(change.location(), jar);
                }
                touched.add(bundle);
            } catch (BundleException | IOException | IllegalStateException e) {
                throw new DeployException("bundle " + change.symbolicName() + " " + change.version()
                        + " could not be installed: " + e.getMessage(), false);
            }
        }
        refreshIfWired(updated);
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        if (!wiring.resolveBundles(touched)) {
            for (Bundle bundle : touched) {
                if (bundle.getState() == Bundle.INSTALLED) {
                    throw new DeployException("bundle " + bundle.getSymbolicName() + " " + bundle.getVersion()
                            + " does not resolve: " + resolutionProblem(bundle));
                }
            }
        }
        long interruption = 0;
        for (Bundle bundle : touched) {
            try {
                bundle.start();
            } catch (BundleException | IllegalStateException e) {
                throw new DeployException("bundle " + bundle.getSymbolicName() + " " + bundle.getVersion()
                        + " did not start: " + rootMessage(e), false);
            }
            Long stopped = stoppedAt.get(bundle);
            if (stopped != null) {
                interruption = Math.max(interruption, (System.nanoTime() - stopped) / 1_000_000);
            }
        }
        return new Switched(touched, interruption);
    }

    /**
     * Puts the framework back as it was before {@code changes}; keeps going past a bundle that
     * cannot be restored and returns what could not be done (empty: fully restored).
     */
    List<String> undo(List<BundleChange> changes) {
        List<String> problems = new ArrayList<>();
        List<Bundle> restored = new ArrayList<>();
        List<BundleChange> reversed = new ArrayList<>(changes);
        java.util.Collections.reverse(reversed);
        for (BundleChange change : reversed) {
            Bundle bundle = context.getBundle(change.location());
            try {
                if (change.isNew()) {
                    if (bundle != null) {
                        bundle.uninstall();
                        restored.add(bundle);
                    }
                    continue;
                }
                try (InputStream previous = Files.newInputStream(Path.of(change.previousJar()))) {
                    if (bundle == null) {
                        bundle = context.installBundle(change.location(), previous);
                    } else {
                        bundle.stop();
                        bundle.update(previous);
                    }
                }
                restored.add(bundle);
            } catch (BundleException | IOException | IllegalStateException e) {
                problems.add(change.symbolicName() + ": " + e.getMessage());
            }
        }
        refreshIfWired(restored);
        for (BundleChange change : changes) {
            Bundle bundle = context.getBundle(change.location());
            if (!change.isNew() && bundle != null) {
                try {
                    if (change.wasActive()) {
                        bundle.start();
                    }
                } catch (BundleException | IllegalStateException e) {
                    problems.add(change.symbolicName() + " " + change.previousVersion() + " did not start again: "
                            + rootMessage(e));
                }
            }
        }
        return problems;
    }

    /** Bundles whose old revision someone still uses are refreshed, so that nobody keeps running old code. */
    private void refreshIfWired(Collection<Bundle> bundles) {
        FrameworkWiring wiring = context.getBundle(0).adapt(FrameworkWiring.class);
        Collection<Bundle> pending = wiring.getRemovalPendingBundles();
        List<Bundle> toRefresh = bundles.stream().filter(pending::contains).toList();
        if (toRefresh.isEmpty()) {
            return;
        }
        CountDownLatch done = new CountDownLatch(1);
        wiring.refreshBundles(toRefresh, event -> done.countDown());
        try {
            done.await(REFRESH_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Why a bundle does not resolve, in the framework's words ("missing requirement …
     * osgi.wiring.package=org.example"): a transient start of an unresolvable bundle fails with
     * exactly that and changes nothing.
     */
    private static String resolutionProblem(Bundle bundle) {
        try {
            bundle.start(Bundle.START_TRANSIENT);
            bundle.stop(Bundle.STOP_TRANSIENT);
            return "unknown reason";
        } catch (BundleException | IllegalStateException e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            int unresolved = message.indexOf(" Unresolved requirements:");
            message = unresolved > 0 ? message.substring(0, unresolved) : message;
            java.util.regex.Matcher missing = java.util.regex.Pattern.compile("osgi\\.wiring\\.package=([^)\\s]+)")
                    .matcher(message);
            return missing.find() ? "missing package " + missing.group(1) + " (" + message + ")" : message;
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
            text.append(": ").append(root);
        }
        return text.toString();
    }
}
