package io.hybridge.workloads.internal.spec;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.BusAccess;
import io.hybridge.api.workload.WorkloadSpec.HealthCheck;
import io.hybridge.api.workload.WorkloadSpec.HealthCheckType;
import io.hybridge.api.workload.WorkloadSpec.Image;
import io.hybridge.api.workload.WorkloadSpec.Logs;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;
import io.hybridge.api.workload.WorkloadSpec.Resources;
import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;

/**
 * The Config Admin form of a spec (factory PID {@code io.hybridge.workload}, attributes in
 * {@link WorkloadConfig}) to a spec and back. Lists use the compact forms of {@link PortSyntax},
 * {@link VolumeSyntax} and {@link DeviceSyntax}, env and options {@code NAME=value}. Every
 * problem is named with the property key as configured, e.g. {@code ports[1]} or {@code memoryMiB}.
 */
public final class WorkloadProperties {

    public static final String NAME = "name";
    public static final String SOURCE = "source";
    /** The source of a spec that came through Config Admin itself (console, CONF-V2, a .cfg file). */
    public static final String SOURCE_CONFIG = "config";

    private static final String PID = "service.pid";
    private static final String SECONDS = "use a number of seconds, e.g. 5 or 0.5";

    /** The keys in the order of {@link WorkloadConfig} (and {@link #toProperties}). */
    private static final List<String> PROPERTY_ORDER = List.copyOf(toProperties(
            new WorkloadSpec("order", null, null, new Image("order", null, null), null, null, null, null, null, null,
                    null, false, null, null, null, 1, null, null), SOURCE_CONFIG).keySet());

    private WorkloadProperties() {
    }

    /**
     * A valid spec from a workload configuration's properties. Without a {@code name} property the
     * configuration's name (after '~' in its PID) is the workload's name.
     *
     * @throws InvalidSpecException {@code workload configuration <name>: } and every problem
     */
    public static WorkloadSpec toSpec(Map<String, ?> properties) throws InvalidSpecException {
        Problems problems = new Problems();
        PropertyReader read = new PropertyReader(properties, problems);
        PropertyKeys keys = new PropertyKeys();

        String name = read.text(NAME, "");
        String configurationName = configurationName(properties);
        if (name.isEmpty()) {
            name = configurationName;
        } else if (!configurationName.isEmpty() && !configurationName.equals(name)) {
            problems.add(NAME, Problems.show(name) + " differs from the configuration's name "
                    + Problems.show(configurationName) + "; use " + configurationName + ", or create a configuration"
                    + " named " + name);
        }
        String image = read.text("image", "");
        if (image.isEmpty()) {
            problems.add("image", "missing; use an image reference, e.g. registry.local:5000/hybridge/vision:1.0");
        }
        WorkloadSpec spec = new WorkloadSpec(
                name,
                read.text("description", ""),
                read.choice("runtime", RuntimeType.CONTAINER, RuntimeType.values(), RuntimeType::id, "a runtime"),
                new Image(image,
                        read.choice("image.pullPolicy", PullPolicy.IF_NOT_PRESENT, PullPolicy.values(), PullPolicy::id,
                                "a pull policy"),
                        read.text("image.archive", "")),
                list(read, keys, "command", text -> text),
                new Resources(read.decimal("cpus", 0, "use a number of CPUs, e.g. 0.5; 0 for no limit"),
                        read.wholeLong("memoryMiB", 0, "use a size in MiB, e.g. 256; 0 for no limit"),
                        read.wholeInt("pids", 0, "use a number of processes, e.g. 64; 0 for no limit")),
                entries(read, keys, "env", "NAME=value, e.g. LEVEL=debug"),
                list(read, keys, "ports", PortSyntax::parse),
                list(read, keys, "volumes", VolumeSyntax::parse),
                list(read, keys, "devices", DeviceSyntax::parse),
                read.text("network", "bridge"),
                read.bool("readOnlyRootFilesystem", false),
                restartPolicy(read),
                healthCheck(read),
                new BusAccess(list(read, keys, "bus.publish", text -> text), list(read, keys, "bus.subscribe", text -> text)),
                read.wholeInt("replicas", 1, "use a whole number 0–16"),
                new Logs(read.wholeInt("logs.maxLines", Logs.DEFAULT.maxLines(), "use a whole number 0–100000"),
                        read.text("logs.forwardTopic", "")),
                entries(read, keys, "options", "key=value"));
        read.value(SOURCE);
        read.rejectUnknown();

        List<SpecProblem> ruleProblems = SpecValidator.problems(spec).stream()
                .map(problem -> new SpecProblem(keys.keyOf(problem.field()), problem.message())).toList();
        problems.addUncovered(ruleProblems);
        problems.order(PROPERTY_ORDER);
        problems.throwIfAny("workload configuration " + (name.isEmpty() ? "(unnamed)" : name));
        return spec;
    }

    /** Where the spec came from ({@code config}, {@code deploy:<file>}, {@code cloud}); {@code config} when not said. */
    public static String source(Map<String, ?> properties) {
        Object source = properties.get(SOURCE);
        return source == null || source.toString().isBlank() ? SOURCE_CONFIG : source.toString().trim();
    }

    /**
     * A spec as configuration properties with the types {@link WorkloadConfig} declares (String,
     * String[], Integer, Long, Double, Boolean), in the attributes' order. {@link #toSpec} reads
     * them back into an equal spec.
     */
    public static Map<String, Object> toProperties(WorkloadSpec spec, String source) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(NAME, spec.name());
        properties.put("description", spec.description());
        properties.put("runtime", spec.runtime().id());
        properties.put("image", spec.image().reference());
        properties.put("image.pullPolicy", spec.image().pullPolicy().id());
        properties.put("image.archive", spec.image().archive());
        properties.put("command", spec.command().toArray(String[]::new));
        properties.put("cpus", spec.resources().cpus());
        properties.put("memoryMiB", spec.resources().memoryMiB());
        properties.put("pids", spec.resources().pids());
        properties.put("env", entries(spec.env()));
        properties.put("ports", spec.ports().stream().map(PortSyntax::format).toArray(String[]::new));
        properties.put("volumes", spec.volumes().stream().map(VolumeSyntax::format).toArray(String[]::new));
        properties.put("devices", spec.devices().stream().map(DeviceSyntax::format).toArray(String[]::new));
        properties.put("network", spec.network());
        properties.put("readOnlyRootFilesystem", spec.readOnlyRootFilesystem());
        RestartPolicy restart = spec.restartPolicy();
        properties.put("restart.mode", restart.mode().id());
        properties.put("restart.initialBackoffSeconds", Seconds.of(restart.initialBackoff()).doubleValue());
        properties.put("restart.maxBackoffSeconds", Seconds.of(restart.maxBackoff()).doubleValue());
        properties.put("restart.multiplier", restart.multiplier());
        properties.put("restart.crashLoopLimit", restart.crashLoopLimit());
        properties.put("restart.stableAfterSeconds", Seconds.of(restart.stableAfter()).doubleValue());
        HealthCheck health = spec.healthCheck();
        properties.put("health.type", health.type().id());
        properties.put("health.port", health.port());
        properties.put("health.topic", health.topic());
        properties.put("health.intervalSeconds", Seconds.of(health.interval()).doubleValue());
        properties.put("health.timeoutSeconds", Seconds.of(health.timeout()).doubleValue());
        properties.put("health.startPeriodSeconds", Seconds.of(health.startPeriod()).doubleValue());
        properties.put("health.failureThreshold", health.failureThreshold());
        properties.put("bus.publish", spec.bus().publish().toArray(String[]::new));
        properties.put("bus.subscribe", spec.bus().subscribe().toArray(String[]::new));
        properties.put("replicas", spec.replicas());
        properties.put("logs.maxLines", spec.logs().maxLines());
        properties.put("logs.forwardTopic", spec.logs().forwardTopic());
        properties.put("options", entries(spec.options()));
        properties.put(SOURCE, source == null || source.isBlank() ? SOURCE_CONFIG : source);
        return properties;
    }

    /** {@link #toProperties} for {@code Configuration.update}. */
    public static Dictionary<String, Object> toDictionary(WorkloadSpec spec, String source) {
        return new Hashtable<>(toProperties(spec, source));
    }

    private static String configurationName(Map<String, ?> properties) {
        Object pid = properties.get(PID);
        String prefix = WorkloadService.FACTORY_PID + "~";
        return pid instanceof String text && text.startsWith(prefix) ? text.substring(prefix.length()) : "";
    }

    private static <T> List<T> list(PropertyReader read, PropertyKeys keys, String key, Function<String, T> parse) {
        List<T> result = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (PropertyReader.Element element : read.elements(key)) {
            String at = key + "[" + element.index() + "]";
            try {
                result.add(parse.apply(element.text()));
                indexes.add(element.index());
            } catch (IllegalArgumentException e) {
                read.problems().add(at, e.getMessage());
            }
        }
        keys.listIndexes(key, indexes);
        return result;
    }

    private static Map<String, String> entries(PropertyReader read, PropertyKeys keys, String key, String form) {
        Map<String, String> result = new LinkedHashMap<>();
        Map<String, Integer> indexes = new LinkedHashMap<>();
        for (PropertyReader.Element element : read.elements(key)) {
            String at = key + "[" + element.index() + "]";
            int equals = element.text().indexOf('=');
            if (equals <= 0) {
                read.problems().add(at, Problems.show(element.text()) + " is not " + form + "; use " + form);
                continue;
            }
            String name = element.text().substring(0, equals).trim();
            Integer earlier = indexes.putIfAbsent(name, element.index());
            if (earlier != null) {
                read.problems().add(at, name + " is already set by " + key + "[" + earlier + "]; set it once");
                continue;
            }
            result.put(name, element.text().substring(equals + 1));
        }
        keys.entryIndexes(key, indexes);
        return result;
    }

    private static RestartPolicy restartPolicy(PropertyReader read) {
        RestartPolicy defaults = RestartPolicy.DEFAULT;
        return new RestartPolicy(
                read.choice("restart.mode", defaults.mode(), RestartMode.values(), RestartMode::id, "a restart mode"),
                read.seconds("restart.initialBackoffSeconds", defaults.initialBackoff(), SECONDS),
                read.seconds("restart.maxBackoffSeconds", defaults.maxBackoff(), SECONDS),
                read.decimal("restart.multiplier", defaults.multiplier(), "use a number 1–10, e.g. 2"),
                read.wholeInt("restart.crashLoopLimit", defaults.crashLoopLimit(), "use a whole number 1–1000"),
                read.seconds("restart.stableAfterSeconds", defaults.stableAfter(), SECONDS));
    }

    private static HealthCheck healthCheck(PropertyReader read) {
        HealthCheck defaults = HealthCheck.PROCESS;
        return new HealthCheck(
                read.choice("health.type", defaults.type(), HealthCheckType.values(), HealthCheckType::id,
                        "a health check type"),
                read.wholeInt("health.port", 0, "use a port 1–65535"),
                read.text("health.topic", ""),
                read.seconds("health.intervalSeconds", defaults.interval(), SECONDS),
                read.seconds("health.timeoutSeconds", defaults.timeout(), SECONDS),
                read.seconds("health.startPeriodSeconds", defaults.startPeriod(), SECONDS),
                read.wholeInt("health.failureThreshold", defaults.failureThreshold(), "use a whole number of at least 1"));
    }

    private static String[] entries(Map<String, String> map) {
        return new TreeMap<>(map).entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
                .toArray(String[]::new);
    }
}
