package io.hybridge.api.workload;

import java.time.Instant;
import java.util.Objects;

/**
 * What a runtime knows of one of the gateway's instances.
 *
 * @param instanceId   the runtime's id (container id, VM id)
 * @param workloadName from the instance's marks
 * @param replica      from the instance's marks
 * @param specHash     from the instance's marks
 * @param state        current state
 * @param exitCode     last exit code when {@link InstanceState#EXITED}, else 0
 * @param oomKilled    whether the last exit was the memory limit
 * @param startedAt    last start, or null when never started
 * @param finishedAt   last exit, or null
 * @param detail       extra words from the engine (e.g. its error), may be empty
 */
public record InstanceInfo(String instanceId, String workloadName, int replica, String specHash,
                           InstanceState state, int exitCode, boolean oomKilled,
                           Instant startedAt, Instant finishedAt, String detail) {
    public InstanceInfo {
        Objects.requireNonNull(instanceId, "instanceId");
        Objects.requireNonNull(workloadName, "workloadName");
        specHash = specHash == null ? "" : specHash;
        Objects.requireNonNull(state, "state");
        detail = detail == null ? "" : detail;
    }

    /** Lifecycle of one instance as the engine reports it. */
    public enum InstanceState {
        /** Exists, never started or being started. */
        CREATED,
        /** Its process runs (includes paused). */
        RUNNING,
        /** Its process ended; see exit code. */
        EXITED
    }
}
