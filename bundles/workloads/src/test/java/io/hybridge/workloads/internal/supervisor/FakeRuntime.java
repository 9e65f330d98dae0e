package io.hybridge.workloads.internal.supervisor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.RuntimeAvailability;
import io.hybridge.api.workload.RuntimeListener;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadSpec;

/** An in-memory engine for the supervisor's logic tests; the real engines are tested end to end. */
final class FakeRuntime implements WorkloadRuntime {
    /** Ids like the microVM runtime's: the instance name, the same for every incarnation of a replica. */
    volatile boolean idsByName;

    final Map<String, InstanceInfo> instances = new ConcurrentHashMap<>();
    final Map<String, String> gatewayOf = new ConcurrentHashMap<>();
    final List<InstanceRequest> starts = new CopyOnWriteArrayList<>();
    final List<String> removed = new CopyOnWriteArrayList<>();
    private final List<RuntimeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    volatile RuntimeAvailability availability = RuntimeAvailability.up("fake engine");
    volatile WorkloadException prepareFailure;
    volatile WorkloadException startFailure;
    final AtomicInteger prepares = new AtomicInteger();

    @Override
    public RuntimeType type() {
        return RuntimeType.CONTAINER;
    }

    @Override
    public RuntimeAvailability availability() {
        return availability;
    }

    void setAvailability(RuntimeAvailability now) {
        availability = now;
        listeners.forEach(l -> l.availabilityChanged(now));
    }

    @Override
    public List<SpecProblem> validate(WorkloadSpec spec) {
        return List.of();
    }

    @Override
    public void prepare(WorkloadSpec spec, boolean forcePull) throws WorkloadException {
        prepares.incrementAndGet();
        check();
        if (prepareFailure != null) {
            throw prepareFailure;
        }
    }

    @Override
    public InstanceInfo start(InstanceRequest request) throws WorkloadException {
        check();
        if (startFailure != null) {
            throw startFailure;
        }
        starts.add(request);
        String id = idsByName ? request.instanceName() : "c" + ids.incrementAndGet();
        InstanceInfo info = new InstanceInfo(id, request.spec().name(), request.replica(), request.specHash(),
                InstanceState.RUNNING, 0, false, Instant.now(), null, "");
        instances.put(id, info);
        gatewayOf.put(id, request.gatewayId());
        return info;
    }

    /** Puts an instance there as if a previous gateway run had made it. */
    InstanceInfo existing(String gatewayId, String workload, int replica, String hash, InstanceState state) {
        String id = "old" + ids.incrementAndGet();
        InstanceInfo info = new InstanceInfo(id, workload, replica, hash, state, state == InstanceState.EXITED ? 3 : 0, false,
                Instant.now().minusSeconds(5), state == InstanceState.EXITED ? Instant.now() : null, "");
        instances.put(id, info);
        gatewayOf.put(id, gatewayId);
        return info;
    }

    /** The instance's process ends (as the engine's event stream would report). */
    void exit(String id, int code) {
        InstanceInfo before = instances.get(id);
        InstanceInfo after = new InstanceInfo(id, before.workloadName(), before.replica(), before.specHash(),
                InstanceState.EXITED, code, false, before.startedAt(), Instant.now(), "");
        instances.put(id, after);
        listeners.forEach(l -> l.instanceExited(after));
    }

    List<InstanceInfo> running(String workload) {
        return instances.values().stream()
                .filter(i -> i.workloadName().equals(workload) && i.state() == InstanceState.RUNNING).toList();
    }

    @Override
    public void stop(String instanceId, Duration grace) throws WorkloadException {
        check();
        InstanceInfo before = instances.get(instanceId);
        if (before != null && before.state() == InstanceState.RUNNING) {
            exit(instanceId, 143);
        }
    }

    @Override
    public void remove(String instanceId) throws WorkloadException {
        check();
        if (instances.remove(instanceId) != null) {
            removed.add(instanceId);
        }
    }

    @Override
    public List<InstanceInfo> instances(String gatewayId) throws WorkloadException {
        check();
        List<InstanceInfo> mine = new ArrayList<>();
        instances.forEach((id, info) -> {
            if (gatewayId.equals(gatewayOf.get(id))) {
                mine.add(info);
            }
        });
        return mine;
    }

    @Override
    public Optional<InstanceInfo> inspect(String instanceId) {
        return Optional.ofNullable(instances.get(instanceId));
    }

    @Override
    public Optional<ResourceUsage> usage(String instanceId) {
        return Optional.of(new ResourceUsage(1.5, 1024, 0, 3));
    }

    @Override
    public List<String> logs(String instanceId, int maxLines) {
        return List.of("line from " + instanceId);
    }

    @Override
    public AutoCloseable followLogs(String instanceId, Consumer<String> sink) {
        return () -> { };
    }

    @Override
    public AutoCloseable watch(RuntimeListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void check() throws WorkloadException {
        if (!availability.available()) {
            throw new WorkloadException(WorkloadException.Reason.ENGINE_UNAVAILABLE, availability.detail());
        }
    }
}
