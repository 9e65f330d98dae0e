package io.hybridge.workloads.internal.request;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.WorkloadStatus;

/** A workload's status as JSON-friendly maps: the one shape for WORKLOADS-V1, the HTTP API and the console. */
public final class StatusJson {
    private StatusJson() {
    }

    public static Map<String, Object> of(WorkloadStatus status) {
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
        if (status.lastExit() != null) {
            Map<String, Object> exit = new LinkedHashMap<>();
            exit.put("code", status.lastExit().code());
            exit.put("oomKilled", status.lastExit().oomKilled());
            exit.put("at", status.lastExit().at() == null ? null : status.lastExit().at().toString());
            exit.put("reason", status.lastExit().reason());
            json.put("lastExit", exit);
        } else {
            json.put("lastExit", null);
        }
        List<Map<String, Object>> replicas = new ArrayList<>();
        for (WorkloadStatus.Replica replica : status.replicas()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("index", replica.index());
            entry.put("instanceId", replica.instanceId());
            entry.put("state", replica.state().id());
            entry.put("healthy", replica.healthy());
            entry.put("restarts", replica.restarts());
            entry.put("startedAt", replica.startedAt() == null ? null : replica.startedAt().toString());
            entry.put("usage", usage(replica.usage()));
            replicas.add(entry);
        }
        json.put("instances", replicas);
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
}
