package io.hybridge.health.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;

/**
 * The framework as a subsystem: STARTING until the system bundle reaches its start level,
 * then UP when every bundle that should run is active, DEGRADED naming the ones that are
 * not (an operator bundle that failed to resolve must not take the gateway down).
 */
@Component(property = HealthContributor.SUBSYSTEM + "=framework")
public class FrameworkHealth implements HealthContributor {

    private final BundleContext context;

    @Activate
    public FrameworkHealth(BundleContext context) {
        this.context = context;
    }

    @Override
    public String subsystem() {
        return "framework";
    }

    @Override
    public Health health() {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (system.getState() != Bundle.ACTIVE) {
            return Health.of(HealthStatus.STARTING, "framework is starting");
        }
        List<String> inactive = new ArrayList<>();
        Bundle[] bundles = context.getBundles();
        for (Bundle bundle : bundles) {
            if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) == null && bundle.getState() != Bundle.ACTIVE
                    && bundle.getState() != Bundle.STARTING) {
                inactive.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " (" + state(bundle.getState()) + ")");
            }
        }
        Map<String, Object> details = Map.of("bundles", bundles.length, "inactive", inactive);
        if (inactive.isEmpty()) {
            return Health.of(HealthStatus.UP, bundles.length + " bundles active", details);
        }
        return Health.of(HealthStatus.DEGRADED, inactive.size() + " bundles not active", details);
    }

    private static String state(int state) {
        return switch (state) {
            case Bundle.INSTALLED -> "installed, not resolved";
            case Bundle.RESOLVED -> "resolved, not started";
            case Bundle.STOPPING -> "stopping";
            default -> "state " + state;
        };
    }
}
