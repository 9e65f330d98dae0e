package io.hybridge.workloads.internal.supervisor;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadRuntime;

/**
 * The gateway's instances as machines need them when they converge. The orphan sweep (when a
 * runtime appears or its engine returns) takes one listing of all of them; every workload that
 * reconciles at the same time takes its instances from it (after a restart, fifty workloads would
 * otherwise each ask the engine). A listing is reused only while no workload has created or
 * removed an instance since it was taken, so nobody decides on a stale view; without a valid one a
 * workload asks the runtime for its own instances only.
 */
final class InstanceListings {
    private final String gatewayId;
    private final AtomicLong changes = new AtomicLong();
    private final Map<RuntimeType, Listing> latest = new HashMap<>();

    private record Listing(long changesAt, List<InstanceInfo> instances) {
    }

    InstanceListings(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    void changed() {
        changes.incrementAndGet();
    }

    /** From a still valid shared listing if there is one, else only this workload's instances. */
    List<InstanceInfo> of(WorkloadRuntime runtime, String workload) throws WorkloadException {
        synchronized (latest) {
            Listing cached = latest.get(runtime.type());
            if (cached != null && cached.changesAt() == changes.get()) {
                return cached.instances().stream().filter(i -> i.workloadName().equals(workload)).toList();
            }
        }
        return List.copyOf(runtime.instances(gatewayId, workload));
    }

    /** Every instance of this gateway in the runtime. Callers for one runtime queue behind one listing. */
    List<InstanceInfo> all(WorkloadRuntime runtime) throws WorkloadException {
        synchronized (latest) {
            long now = changes.get();
            Listing cached = latest.get(runtime.type());
            if (cached != null && cached.changesAt() == now) {
                return cached.instances();
            }
            List<InstanceInfo> fresh = List.copyOf(runtime.instances(gatewayId));
            latest.put(runtime.type(), new Listing(now, fresh));
            return fresh;
        }
    }
}
