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
 * One listing of the gateway's instances per runtime, shared by every workload that reconciles
 * at the same time (after a restart, fifty workloads would otherwise list the engine fifty
 * times). A listing is reused only while no workload has created or removed an instance since
 * it was taken, so nobody decides on a stale view.
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

    List<InstanceInfo> of(WorkloadRuntime runtime, String workload) throws WorkloadException {
        return all(runtime).stream().filter(i -> i.workloadName().equals(workload)).toList();
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
