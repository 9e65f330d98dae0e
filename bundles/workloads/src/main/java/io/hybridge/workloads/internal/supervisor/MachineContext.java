package io.hybridge.workloads.internal.supervisor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import io.hybridge.api.workload.BusEndpoint;
import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadSpec;

/** What a {@link WorkloadMachine} needs from the gateway around it; a plain object in unit tests. */
interface MachineContext {

    String gatewayId();

    Clock clock();

    /** Runs delayed inputs (backoff, health ticks); tasks must hand over to the machine's executor. */
    ScheduledExecutorService scheduler();

    Duration stopGrace();

    Optional<WorkloadRuntime> runtime(RuntimeType type);

    /**
     * The gateway's instances of one workload in that runtime. Many workloads reconciling at once
     * share one listing; a listing older than the last {@link #instancesChanged()} is never used.
     */
    List<InstanceInfo> instancesOf(WorkloadRuntime runtime, String workload) throws WorkloadException;

    /** A machine is about to create or remove an instance: cached listings are stale. */
    void instancesChanged();

    /** The workload's broker account for one replica, created or updated as its spec says; empty without bus access. */
    Optional<BusEndpoint> busEndpoint(WorkloadSpec spec, int replica);

    /** Removes the workload's broker account. */
    void dropBusAccount(String workload);

    /** When a message last arrived on a heartbeat topic (watched from the first call on), or null. */
    Instant lastHeartbeat(String topic);

    /** Stops watching a heartbeat topic. */
    void unwatchHeartbeat(String topic);

    /** Publishes an output line of a workload to a local-broker topic (log forwarding). */
    Consumer<String> logForwarder(String topic);

    /** Tells the gateway that a workload's status changed (health, console, notifications). */
    void statusChanged(WorkloadMachine machine);
}
