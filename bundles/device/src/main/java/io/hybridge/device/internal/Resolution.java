package io.hybridge.device.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthStatus;

/**
 * The active profile and what an operator should fix. Errors are wrong input (an unknown
 * profile id, a broken profile file); warnings are a machine that does not live up to its
 * board. Either leaves the gateway running on the best profile it has, DEGRADED.
 */
record Resolution(ResolvedDeviceProfile profile, List<String> errors, List<String> warnings) {

    Resolution {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
    }

    List<String> problems() {
        List<String> all = new ArrayList<>(errors);
        all.addAll(warnings);
        return all;
    }

    Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("profile", profile.id());
        details.put("name", profile.name());
        details.put("source", profile.source().name().toLowerCase(Locale.ROOT));
        details.put("arch", profile.architecture());
        details.put("cores", profile.cpuCores());
        details.put("memoryMiB", profile.memoryMiB());
        details.put("docker", profile.capabilities().dockerReachable());
        details.put("qemu", profile.capabilities().qemuPresent());
        details.put("kvm", profile.capabilities().kvmUsable());
        List<String> problems = problems();
        if (problems.isEmpty()) {
            return Health.of(HealthStatus.UP, profile.name() + ", " + details.get("source"), details);
        }
        details.put("problems", problems);
        return Health.of(HealthStatus.DEGRADED, String.join(" ", problems), details);
    }
}
