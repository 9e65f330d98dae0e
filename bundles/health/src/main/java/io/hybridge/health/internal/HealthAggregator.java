package io.hybridge.health.internal;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;

/**
 * Combines the subsystems' health into the gateway's: ready when every required subsystem
 * is present and ready, the overall status being the worst one. Logs once, when the gateway
 * first becomes ready, how long the start took (from JVM start) — the figure operators and
 * the start-up benchmark look at.
 */
@Component(service = HealthAggregator.class, configurationPid = "io.hybridge.health")
@Designate(ocd = HealthAggregator.Config.class)
public class HealthAggregator {

    @ObjectClassDefinition(name = "Hybridge health",
            description = "Which subsystems must be present and ready before /health answers 200.")
    @interface Config {
        @AttributeDefinition(name = "Required subsystems",
                description = "Subsystem names that must report before the gateway counts as ready.")
        String[] required() default {"framework", "broker", "device"};
    }

    private static final Logger LOG = LoggerFactory.getLogger(HealthAggregator.class);

    private final List<HealthContributor> contributors = new CopyOnWriteArrayList<>();
    private final Set<String> required;
    private final ScheduledExecutorService readinessWatch;

    @Activate
    public HealthAggregator(Config config) {
        this.required = Set.of(config.required());
        // polls only until the first "ready", so the start time is logged without every
        // contributor having to publish events
        this.readinessWatch = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "hybridge-readiness"));
        readinessWatch.scheduleWithFixedDelay(this::logWhenReady, 20, 20, TimeUnit.MILLISECONDS);
    }

    @Deactivate
    void deactivate() {
        readinessWatch.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContributor(HealthContributor contributor) {
        contributors.add(contributor);
    }

    void removeContributor(HealthContributor contributor) {
        contributors.remove(contributor);
    }

    /** A snapshot of the gateway's health. */
    public GatewayHealth current() {
        Map<String, Health> subsystems = new TreeMap<>();
        for (HealthContributor contributor : contributors) {
            Health health;
            try {
                health = contributor.health();
            } catch (RuntimeException e) {
                health = Health.down("health check failed: " + e);
            }
            subsystems.merge(contributor.subsystem(), health,
                    (a, b) -> a.status().compareTo(b.status()) >= 0 ? a : b);
        }
        for (String name : required) {
            subsystems.putIfAbsent(name, Health.of(HealthStatus.STARTING, "not reported yet"));
        }
        HealthStatus overall = HealthStatus.UP;
        boolean ready = true;
        for (Health health : subsystems.values()) {
            ready &= health.status().isReady();
            if (health.status() != HealthStatus.DISABLED && health.status().compareTo(overall) > 0) {
                overall = health.status();
            }
        }
        return new GatewayHealth(overall, ready, subsystems);
    }

    private void logWhenReady() {
        GatewayHealth health = current();
        if (health.ready()) {
            long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            LOG.info("Hybridge ready in {} ms (status {}, subsystems {})", sinceJvmStart, health.status(),
                    health.subsystems().keySet());
            readinessWatch.shutdown();
        }
    }

    /** The aggregate: overall status, readiness and each subsystem's health. */
    public record GatewayHealth(HealthStatus status, boolean ready, Map<String, Health> subsystems) {

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("status", status.name());
            json.put("ready", ready);
            Map<String, Object> entries = new LinkedHashMap<>();
            subsystems.forEach((name, health) -> {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("status", health.status().name());
                if (!health.message().isEmpty()) {
                    entry.put("message", health.message());
                }
                if (!health.details().isEmpty()) {
                    entry.put("details", health.details());
                }
                entries.put(name, entry);
            });
            json.put("subsystems", entries);
            return json;
        }
    }
}
