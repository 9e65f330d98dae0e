package io.hybridge.console.internal.workloads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * Workload status as JSON, in the shape of the workloads bundle's {@code StatusJson} (the
 * {@code WORKLOADS-V1} answers): the same field names, so a script reading {@code GET
 * /api/workloads} and a cloud application reading {@code GET workloads} share one parser.
 *
 * <p>A copy, because {@code StatusJson} lives in a private package of the workloads bundle;
 * it belongs next to {@code WorkloadStatus} in the API, and then this class goes.
 */
final class WorkloadJson {

    private static final JSON PRETTY = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private WorkloadJson() {
    }

    static Map<String, Object> status(WorkloadStatus status) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", status.name());
        json.put("runtime", status.runtime() == null ? null : status.runtime().id());
        json.put("state", status.state().id());
        json.put("message", status.message());
        json.put("since", status.since() == null ? null : status.since().toString());
        json.put("source", status.source());
        json.put("specHash", status.specHash());
        json.put("restarts", status.restarts());
        json.put("replicas", status.desiredReplicas());
        WorkloadStatus.Exit last = status.lastExit();
        if (last != null) {
            Map<String, Object> exit = new LinkedHashMap<>();
            exit.put("code", last.code());
            exit.put("oomKilled", last.oomKilled());
            exit.put("at", last.at() == null ? null : last.at().toString());
            exit.put("reason", last.reason());
            json.put("lastExit", exit);
        } else {
            json.put("lastExit", null);
        }
        List<Map<String, Object>> instances = new ArrayList<>();
        for (WorkloadStatus.Replica replica : status.replicas()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("index", replica.index());
            entry.put("instanceId", replica.instanceId());
            entry.put("state", replica.state().id());
            entry.put("healthy", replica.healthy());
            entry.put("restarts", replica.restarts());
            entry.put("startedAt", replica.startedAt() == null ? null : replica.startedAt().toString());
            entry.put("usage", usage(replica.usage()));
            instances.add(entry);
        }
        json.put("instances", instances);
        return json;
    }

    private static Map<String, Object> usage(ResourceUsage usage) {
        if (usage == null) {
            return null;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("cpuPercent", Math.round(usage.cpuPercent() * 10) / 10.0);
        json.put("memoryBytes", usage.memoryBytes());
        json.put("memoryLimitBytes", usage.memoryLimitBytes());
        json.put("pids", usage.pids());
        return json;
    }

    /** {@code {"error": <message>, "problems": [{"field", "message"}…]}}: a refused spec, field by field. */
    static Map<String, Object> refused(InvalidSpecException e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", e.getMessage());
        List<Map<String, Object>> problems = new ArrayList<>();
        for (SpecProblem problem : e.problems()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("field", problem.field());
            entry.put("message", problem.message());
            problems.add(entry);
        }
        json.put("problems", problems);
        return json;
    }

    /**
     * The spec text with the workload's name from the request path: a spec without a name takes
     * it, a spec with another name is refused. Text that is not a JSON object is passed on as it
     * is, for the spec parser to name the syntax error with its position.
     */
    static String withName(String name, String spec) throws InvalidSpecException {
        Object parsed;
        try {
            parsed = JSON.std.anyFrom(spec);
        } catch (IOException e) {
            return spec;
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            return spec;
        }
        Object inBody = map.get("name");
        if (inBody == null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> named = new LinkedHashMap<>((Map<String, Object>) map);
            named.put("name", name);
            return write(named);
        }
        if (!name.equals(inBody)) {
            throw new InvalidSpecException("workload spec " + name, List.of(new SpecProblem("name", "'" + inBody
                    + "' differs from the name in the request path, '" + name + "'; make them equal or leave name out")));
        }
        return spec;
    }

    /** Parses JSON text into maps, lists and scalars, for embedding a spec in an answer. */
    static Object parse(String json) {
        try {
            return JSON.std.anyFrom(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON text indented for reading; text that is not JSON is returned as it is. */
    static String pretty(String json) {
        try {
            return PRETTY.asString(JSON.std.anyFrom(json));
        } catch (IOException e) {
            return json;
        }
    }
}
