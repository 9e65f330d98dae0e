package io.hybridge.deploy.internal.ota;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.UnsatisfiedReferenceDTO;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;

/**
 * Decides whether a switched unit is healthy: each of its bundles ACTIVE, each of their enabled
 * DS components satisfied or active (none failed to activate), and no subsystem of
 * {@code /health} that was ready before the switch unready now. Healthy means so for a settle
 * period without interruption (a component that fails a moment after its bundle started is
 * caught); a bundle that stopped or a component that failed to activate fails the gate at once;
 * anything still unsatisfied at the deadline fails it with what was missing.
 */
final class HealthGate {

    private static final long POLL_MILLIS = 100;
    private static final long SETTLE_MILLIS = 1500;

    private final Supplier<ServiceComponentRuntime> scr;
    private final Supplier<Collection<HealthContributor>> contributors;
    private final IntSupplier frameworkStartLevel;

    HealthGate(Supplier<ServiceComponentRuntime> scr, Supplier<Collection<HealthContributor>> contributors,
            IntSupplier frameworkStartLevel) {
        this.scr = scr;
        this.contributors = contributors;
        this.frameworkStartLevel = frameworkStartLevel;
    }

    /** The subsystems' statuses now, the baseline the gate compares with. */
    Map<String, Health> subsystems() {
        Map<String, Health> statuses = new LinkedHashMap<>();
        for (HealthContributor contributor : contributors.get()) {
            if (contributor.subsystem().equals(DeploymentAgent.SUBSYSTEM)) {
                continue;
            }
            try {
                statuses.put(contributor.subsystem(), contributor.health());
            } catch (RuntimeException e) {
                statuses.put(contributor.subsystem(), Health.down(e.toString()));
            }
        }
        return statuses;
    }

    /** A problem that will not go away by waiting, or a reason it is not healthy yet, or nothing. */
    record Verdict(boolean fatal, String problem) {
        static final Verdict HEALTHY = new Verdict(false, null);

        boolean healthy() {
            return problem == null;
        }
    }

    Verdict check(List<Bundle> bundles, Map<String, Health> before) {
        ServiceComponentRuntime runtime = scr.get();
        for (Bundle bundle : bundles) {
            String name = bundle.getSymbolicName() + " " + bundle.getVersion();
            if (bundle.getState() == Bundle.UNINSTALLED) {
                return new Verdict(true, "bundle " + name + " was uninstalled");
            }
            if (bundle.getState() != Bundle.ACTIVE && !startLevelReached(bundle)) {
                return new Verdict(false, "bundle " + name + " waits for the framework to reach its start level");
            }
            if (bundle.getState() != Bundle.ACTIVE) {
                boolean lazy = bundle.getState() == Bundle.STARTING;
                return new Verdict(!lazy, "bundle " + name + " is " + state(bundle.getState()) + ", not ACTIVE");
            }
            if (bundle.getHeaders().get("Service-Component") == null) {
                continue;
            }
            if (runtime == null) {
                return new Verdict(false, "bundle " + name + " has DS components but no ServiceComponentRuntime is there to run them");
            }
            Collection<ComponentDescriptionDTO> descriptions = runtime.getComponentDescriptionDTOs(bundle);
            if (descriptions.isEmpty()) {
                return new Verdict(false, "the DS components of " + name + " are not processed yet");
            }
            for (ComponentDescriptionDTO description : descriptions) {
                if (!runtime.isComponentEnabled(description)) {
                    continue;
                }
                for (ComponentConfigurationDTO configuration : runtime.getComponentConfigurationDTOs(description)) {
                    Optional<Verdict> problem = componentProblem(name, description, configuration);
                    if (problem.isPresent()) {
                        return problem.get();
                    }
                }
            }
        }
        for (Map.Entry<String, Health> now : subsystems().entrySet()) {
            Health was = before.get(now.getKey());
            if (was != null && was.status().isReady() && !now.getValue().status().isReady()) {
                return new Verdict(false, "subsystem " + now.getKey() + " is " + now.getValue() + " since the switch; it was "
                        + was.status());
            }
        }
        return Verdict.HEALTHY;
    }

    /**
     * After a restart the gate may run before the framework has started the unit's bundles (the
     * OTA agent starts at an earlier start level than the bundles it installs): not a failure yet.
     */
    private boolean startLevelReached(Bundle bundle) {
        try {
            return frameworkStartLevel.getAsInt() >= bundle.adapt(BundleStartLevel.class).getStartLevel();
        } catch (RuntimeException e) {
            return true; // uninstalled meanwhile: the next check says so
        }
    }

    private static Optional<Verdict> componentProblem(String bundle, ComponentDescriptionDTO description,
            ComponentConfigurationDTO configuration) {
        String component = "component " + description.name + " of " + bundle;
        switch (configuration.state) {
            case ComponentConfigurationDTO.SATISFIED, ComponentConfigurationDTO.ACTIVE:
                return Optional.empty();
            case ComponentConfigurationDTO.FAILED_ACTIVATION:
                return Optional.of(new Verdict(true, component + " failed to activate: " + configuration.failure));
            case ComponentConfigurationDTO.UNSATISFIED_REFERENCE:
                List<String> missing = new ArrayList<>();
                for (UnsatisfiedReferenceDTO reference : configuration.unsatisfiedReferences) {
                    missing.add(reference.name + (reference.target == null ? "" : " " + reference.target));
                }
                return Optional.of(new Verdict(false, component + " is unsatisfied: missing reference " + String.join(", ", missing)));
            default:
                return Optional.of(new Verdict(false, component + " is unsatisfied (state " + configuration.state + ")"));
        }
    }

    /**
     * Waits until the unit is healthy for the settle period, or fails with why it is not.
     *
     * @throws DeployException what was unhealthy at the deadline, or at once for a fatal problem
     */
    void await(List<Bundle> bundles, Map<String, Health> before, Duration deadline, BooleanSupplier stopped)
            throws DeployException, InterruptedException {
        await(bundles, before, deadline, stopped, () -> Optional.empty());
    }

    /** As above, with one more condition (a problem while it returns one; never fatal). */
    void await(List<Bundle> bundles, Map<String, Health> before, Duration deadline, BooleanSupplier stopped,
            Supplier<Optional<String>> also) throws DeployException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        long settle = Math.min(SETTLE_MILLIS, Math.max(POLL_MILLIS, deadline.toMillis() / 4));
        long healthySince = -1;
        Verdict last = Verdict.HEALTHY;
        while (true) {
            if (stopped.getAsBoolean()) {
                throw new InterruptedException("deploy agent stopping");
            }
            last = check(bundles, before);
            if (last.healthy()) {
                last = also.get().map(problem -> new Verdict(false, problem)).orElse(Verdict.HEALTHY);
            }
            long now = System.nanoTime();
            if (last.fatal()) {
                throw new DeployException("health gate: " + last.problem(), false);
            }
            if (last.healthy()) {
                if (healthySince < 0) {
                    healthySince = now;
                }
                if ((now - healthySince) / 1_000_000 >= settle) {
                    return;
                }
            } else {
                healthySince = -1;
            }
            if (now > end) {
                throw new DeployException("health gate: not healthy within " + deadline.toMillis() + " ms: "
                        + (last.healthy() ? "not stable for " + settle + " ms" : last.problem()), false);
            }
            Thread.sleep(POLL_MILLIS); // polling the framework's state; there is no event for "healthy"
        }
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "UNINSTALLED";
        };
    }
}
