package io.hybridge.workloads.internal.spec;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.Image;
import io.hybridge.api.workload.WorkloadSpec.Resources;

/**
 * The rules every spec obeys, whatever runtime runs it (a runtime adds its own through
 * {@code WorkloadRuntime.validate}). Problems name the field by its path in the JSON form,
 * e.g. {@code resources.memoryMiB} or {@code ports[1].hostPort}, the value, and what would be right.
 */
public final class SpecValidator {

    static final int MAX_REPLICAS = 16;
    static final int MAX_LOG_LINES = 100_000;
    static final double MAX_CPUS = 1024;
    /** Docker refuses less. */
    static final long MIN_MEMORY_MIB = 6;
    /** 16 TiB: more is a mistake, and bytes must fit a long. */
    static final long MAX_MEMORY_MIB = 16L * 1024 * 1024;
    static final List<String> NETWORKS = List.of("bridge", "host", "none");
    /** The gateway sets these for a workload with bus access. */
    static final Set<String> BUS_VARIABLES = Set.of("MQTT_URI", "MQTT_USERNAME", "MQTT_PASSWORD", "MQTT_CLIENT_ID");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern OPTION = Pattern.compile("[a-zA-Z][a-zA-Z0-9_.-]*");
    private static final String NAME_RULE = "use 1–63 lower-case letters, digits and '-', starting with a letter"
            + " and not ending with '-', e.g. vision";

    private SpecValidator() {
    }

    /** Every general problem of the spec; empty when it is valid. */
    public static List<SpecProblem> problems(WorkloadSpec spec) {
        Problems problems = new Problems();
        check(spec, problems);
        return problems.list();
    }

    /**
     * @return the spec, when valid
     * @throws InvalidSpecException {@code workload spec <name>: } and every problem
     */
    public static WorkloadSpec validate(WorkloadSpec spec) throws InvalidSpecException {
        Problems problems = new Problems();
        check(spec, problems);
        problems.throwIfAny("workload spec " + (spec.name().isEmpty() ? "(unnamed)" : spec.name()));
        return spec;
    }

    /** Whether {@code name} may name a workload. */
    public static boolean isWorkloadName(String name) {
        return NAME.matcher(name).matches() && !name.endsWith("-");
    }

    static void check(WorkloadSpec spec, Problems problems) {
        checkName(spec.name(), problems);
        checkImage(spec.image(), problems);
        checkResources(spec.resources(), problems);
        checkEnv(spec, problems);
        checkNetwork(spec, problems);
        HostAccessRules.check(spec, problems);
        SupervisionRules.check(spec, problems);
        if (spec.replicas() < 0 || spec.replicas() > MAX_REPLICAS) {
            problems.add("replicas", spec.replicas() + " is not 0–" + MAX_REPLICAS
                    + "; use 0 to keep the workload without running it, or up to " + MAX_REPLICAS + " instances");
        }
        checkOptions(spec.options(), problems);
    }

    private static void checkName(String name, Problems problems) {
        if (name.isEmpty()) {
            problems.add("name", "missing; " + NAME_RULE);
        } else if (!isWorkloadName(name)) {
            problems.add("name", Problems.show(name) + " is not a workload name; " + NAME_RULE);
        }
    }

    private static void checkImage(Image image, Problems problems) {
        try {
            ImageReference.parse(image.reference());
        } catch (IllegalArgumentException e) {
            String value = image.reference().isEmpty() ? "missing" : Problems.show(image.reference())
                    + " is not an image reference: " + e.getMessage();
            problems.add("image.reference", value + "; use " + ImageReference.FORM);
        }
        if (!image.archive().isEmpty() && !image.archive().startsWith("/") && !image.archive().startsWith("~/")) {
            problems.add("image.archive", Problems.show(image.archive()) + " is not an absolute path; use the"
                    + " image archive's absolute path on the gateway, e.g. /var/lib/hybridge/images/vision.tar"
                    + " (or ~/... in the home directory of the user the gateway runs as)");
        }
    }

    private static void checkResources(Resources resources, Problems problems) {
        double cpus = resources.cpus();
        if (Double.isNaN(cpus) || cpus < 0 || cpus > MAX_CPUS) {
            problems.add("resources.cpus", Problems.show(cpus) + (cpus < 0 ? " is negative" : " is not 0–1024")
                    + "; use 0 for no limit or a number of CPUs up to 1024, e.g. 0.5");
        }
        long memory = resources.memoryMiB();
        if (memory < 0) {
            problems.add("resources.memoryMiB", memory + " is negative; use 0 for no limit or a size in MiB");
        } else if (memory > 0 && memory < MIN_MEMORY_MIB) {
            problems.add("resources.memoryMiB", memory + " is below Docker's minimum of " + MIN_MEMORY_MIB
                    + " MiB; use 0 for no limit or at least " + MIN_MEMORY_MIB);
        } else if (memory > MAX_MEMORY_MIB) {
            problems.add("resources.memoryMiB", memory + " is more than " + MAX_MEMORY_MIB
                    + " (16 TiB); use 0 for no limit or a size in MiB");
        }
        if (resources.pids() < 0) {
            problems.add("resources.pids", resources.pids() + " is negative; use 0 for no limit or a number of"
                    + " processes and threads, e.g. 64");
        }
    }

    private static void checkEnv(WorkloadSpec spec, Problems problems) {
        for (String name : spec.env().keySet()) {
            if (!VARIABLE.matcher(name).matches()) {
                problems.add("env." + name, Problems.show(name) + " is not a variable name; use letters, digits"
                        + " and '_', not starting with a digit");
            } else if (!spec.bus().isEmpty() && BUS_VARIABLES.contains(name)) {
                problems.add("env." + name, "the gateway sets " + name + " for the workload's own broker account"
                        + " (it asks for bus access); remove it from env");
            }
        }
    }

    private static void checkNetwork(WorkloadSpec spec, Problems problems) {
        String network = spec.network();
        if (!NETWORKS.contains(network)) {
            problems.add("network", Problems.show(network) + " is not a network; use bridge, host or none"
                    + ClosestName.suggestion(network, NETWORKS));
        } else if (network.equals("none") && !spec.bus().isEmpty()) {
            problems.add("network", "none cannot reach the local broker, but bus asks for access to it;"
                    + " use bridge or host, or remove bus");
        }
    }

    private static void checkOptions(Map<String, String> options, Problems problems) {
        for (String key : options.keySet()) {
            if (!OPTION.matcher(key).matches()) {
                problems.add("options." + key, Problems.show(key) + " is not an option name; use a letter followed"
                        + " by letters, digits, '_', '.' and '-'");
            }
        }
    }
}
