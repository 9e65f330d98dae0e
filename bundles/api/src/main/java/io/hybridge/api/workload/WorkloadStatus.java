package io.hybridge.api.workload;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A workload as the supervisor sees it now.
 *
 * @param name      the workload
 * @param runtime   where it runs
 * @param source    where its spec came from: {@code config} (Config Admin / console /
 *                  CONF-V2), {@code deploy:<file>} or {@code cloud} (WORKLOADS-V1)
 * @param specHash  hash of the spec in force
 * @param state     overall state
 * @param message   why it is in that state, naming the problem when there is one
 * @param since     when it entered that state
 * @param restarts  restarts since the spec was applied (all replicas)
 * @param lastExit  the most recent exit of any replica, or null
 * @param replicas  desired count and each replica's detail
 */
public record WorkloadStatus(String name, RuntimeType runtime, String source, String specHash,
                             WorkloadState state, String message, Instant since, int restarts,
                             Exit lastExit, int desiredReplicas, List<Replica> replicas) {
    public WorkloadStatus {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        message = message == null ? "" : message;
        replicas = replicas == null ? List.of() : List.copyOf(replicas);
    }

    /**
     * The status as JSON-friendly maps, lists and scalars: the one shape of {@code GET workloads}
     * (WORKLOADS-V1), {@code GET /api/workloads} and the console, so one parser reads them all.
     * Absent values (no last exit, no usage sample) are {@code null}.
     */
    public Map<String, Object> toJsonMap() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("runtime", runtime == null ? null : runtime.id());
        json.put("state", state.id());
        json.put("message", message);
        json.put("since", since == null ? null : since.toString());
        json.put("source", source);
        json.put("specHash", specHash);
        json.put("restarts", restarts);
        json.put("replicas", desiredReplicas);
        Map<String, Object> exit = null;
        if (lastExit != null) {
            exit = new LinkedHashMap<>();
            exit.put("code", lastExit.code());
            exit.put("oomKilled", lastExit.oomKilled());
            exit.put("at", lastExit.at() == null ? null : lastExit.at().toString());
            exit.put("reason", lastExit.reason());
        }
        json.put("lastExit", exit);
        List<Map<String, Object>> instances = new ArrayList<>();
        for (Replica replica : replicas) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("index", replica.index());
            entry.put("instanceId", replica.instanceId());
            entry.put("state", replica.state().id());
            entry.put("healthy", replica.healthy());
            entry.put("restarts", replica.restarts());
            entry.put("startedAt", replica.startedAt() == null ? null : replica.startedAt().toString());
            Map<String, Object> usage = null;
            if (replica.usage() != null) {
                usage = new LinkedHashMap<>();
                usage.put("cpuPercent", Math.round(replica.usage().cpuPercent() * 10) / 10.0);
                usage.put("memoryBytes", replica.usage().memoryBytes());
                usage.put("memoryLimitBytes", replica.usage().memoryLimitBytes());
                usage.put("pids", replica.usage().pids());
            }
            entry.put("usage", usage);
            instances.add(entry);
        }
        json.put("instances", instances);
        return json;
    }

    /**
     * @param code      exit code (-1: vanished or killed by the gateway)
     * @param oomKilled whether the memory limit killed it
     * @param at        when
     * @param reason    in words, e.g. {@code exit 137 (killed: out of memory)}
     */
    public record Exit(int code, boolean oomKilled, Instant at, String reason) {
    }

    /**
     * @param index      replica index
     * @param instanceId the runtime's id, empty when none exists
     * @param state      this replica's state
     * @param healthy    whether its last health check passed
     * @param restarts   restarts of this replica since the spec was applied
     * @param startedAt  current run's start, or null
     * @param usage      last usage sample, or null
     */
    public record Replica(int index, String instanceId, WorkloadState state, boolean healthy,
                          int restarts, Instant startedAt, ResourceUsage usage) {
        public Replica {
            instanceId = instanceId == null ? "" : instanceId;
            Objects.requireNonNull(state, "state");
        }
    }
}
