package io.hybridge.console.internal.workloads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * A workload service in memory that records what the console asked of it. Its parser knows
 * three fields — {@code name}, {@code image.reference}, {@code resources.memoryMiB} — and
 * refuses a spec the way the real one does, every problem by field.
 */
final class FakeWorkloadService implements WorkloadService {

    final Map<String, WorkloadStatus> statuses = new LinkedHashMap<>();
    final Map<String, WorkloadSpec> specs = new LinkedHashMap<>();
    final Map<String, List<String>> logs = new LinkedHashMap<>();
    final List<String> applied = new ArrayList<>();
    final List<String> restarted = new ArrayList<>();
    final List<String> removed = new ArrayList<>();
    final List<Integer> logLinesAsked = new ArrayList<>();

    static WorkloadStatus status(String name, WorkloadState state, String message) {
        return new WorkloadStatus(name, RuntimeType.CONTAINER, "console", "3f6b0c2d9e8a7b6c5d4e", state, message,
                Instant.parse("2025-03-01T10:00:00Z"), 0, null, 1, List.of());
    }

    FakeWorkloadService with(WorkloadStatus status) {
        statuses.put(status.name(), status);
        specs.put(status.name(), spec(status.name(), "example/" + status.name() + ":1", 64));
        return this;
    }

    static WorkloadSpec spec(String name, String image, long memoryMiB) {
        return new WorkloadSpec(name, "", RuntimeType.CONTAINER,
                new WorkloadSpec.Image(image, WorkloadSpec.PullPolicy.NEVER, ""), List.of(),
                new WorkloadSpec.Resources(0, memoryMiB, 0), Map.of(), List.of(), List.of(), List.of(), "bridge",
                false, null, null, null, 1, null, Map.of());
    }

    @Override
    public WorkloadSpec parse(String json, String name) throws InvalidSpecException {
        Map<String, Object> map;
        try {
            map = new java.util.LinkedHashMap<>(JSON.std.mapFrom(json));
        } catch (IOException e) {
            return parse(json);
        }
        Object inBody = map.putIfAbsent("name", name);
        if (inBody != null && !inBody.equals(name)) {
            throw new InvalidSpecException("workload spec " + name, List.of(new SpecProblem("name",
                    "'" + inBody + "' differs from the name in the request path, '" + name + "'")));
        }
        try {
            return parse(JSON.std.asString(map));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public WorkloadSpec parse(String json) throws InvalidSpecException {
        Map<String, Object> map;
        try {
            map = JSON.std.mapFrom(json);
        } catch (IOException e) {
            throw new InvalidSpecException("workload spec", List.of(new SpecProblem("(json)", "not JSON: " + e.getMessage())));
        }
        List<SpecProblem> problems = new ArrayList<>();
        Object name = map.get("name");
        if (!(name instanceof String)) {
            problems.add(new SpecProblem("name", "missing; give the workload a name"));
        }
        Object image = map.get("image") instanceof Map<?, ?> i ? i.get("reference") : null;
        if (!(image instanceof String)) {
            problems.add(new SpecProblem("image.reference", "missing; name the image to run"));
        }
        long memory = 0;
        if (map.get("resources") instanceof Map<?, ?> r && r.get("memoryMiB") instanceof Number n) {
            memory = n.longValue();
            if (memory < 0) {
                problems.add(new SpecProblem("resources.memoryMiB", memory
                        + " is negative; use 0 (no limit) or a size in MiB"));
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidSpecException("workload spec " + name, problems);
        }
        return spec((String) name, (String) image, memory);
    }

    @Override
    public String toJson(WorkloadSpec spec) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", spec.name());
        json.put("image", Map.of("reference", spec.image().reference(), "pullPolicy", spec.image().pullPolicy().id()));
        json.put("resources", Map.of("memoryMiB", spec.resources().memoryMiB()));
        try {
            return JSON.std.asString(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean apply(WorkloadSpec spec, String source) {
        applied.add(spec.name() + " from " + source);
        boolean changed = !spec.equals(specs.get(spec.name()));
        specs.put(spec.name(), spec);
        statuses.put(spec.name(), new WorkloadStatus(spec.name(), spec.runtime(), source, "hash-" + spec.hashCode(),
                WorkloadState.PENDING, "accepted", Instant.parse("2025-03-01T10:00:00Z"), 0, null, spec.replicas(),
                List.of()));
        return changed;
    }

    @Override
    public boolean remove(String name) {
        removed.add(name);
        specs.remove(name);
        return statuses.remove(name) != null;
    }

    @Override
    public boolean restart(String name) {
        restarted.add(name);
        return statuses.containsKey(name);
    }

    @Override
    public List<WorkloadStatus> list() {
        return List.copyOf(statuses.values());
    }

    @Override
    public Optional<WorkloadStatus> status(String name) {
        return Optional.ofNullable(statuses.get(name));
    }

    @Override
    public Optional<WorkloadSpec> spec(String name) {
        return Optional.ofNullable(specs.get(name));
    }

    @Override
    public List<String> logs(String name, int maxLines) {
        logLinesAsked.add(maxLines);
        List<String> lines = logs.getOrDefault(name, List.of());
        return lines.subList(Math.max(0, lines.size() - maxLines), lines.size());
    }
}
