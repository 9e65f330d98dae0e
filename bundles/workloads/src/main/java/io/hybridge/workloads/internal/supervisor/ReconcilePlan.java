package io.hybridge.workloads.internal.supervisor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;

/**
 * What to do with the instances a runtime already has for one workload, given the spec in force:
 * keep (adopt) at most one instance per wanted replica whose spec hash matches — preferring a
 * running one — and remove everything else: drifted instances (recreated from the current spec),
 * duplicates, and replicas beyond the wanted count. Never two instances for one replica.
 *
 * @param adopt  per replica index, the instance to keep
 * @param remove instances to stop and remove
 */
record ReconcilePlan(Map<Integer, InstanceInfo> adopt, List<InstanceInfo> remove) {

    static ReconcilePlan of(List<InstanceInfo> existing, String specHash, int replicas) {
        Map<Integer, InstanceInfo> adopt = new HashMap<>();
        List<InstanceInfo> remove = new ArrayList<>();
        List<InstanceInfo> ordered = new ArrayList<>(existing);
        // running ones first, so that of two candidates for one replica the running one is kept
        ordered.sort(Comparator.comparing((InstanceInfo i) -> i.state() != InstanceState.RUNNING)
                .thenComparing(InstanceInfo::instanceId));
        for (InstanceInfo instance : ordered) {
            boolean wanted = instance.replica() >= 0 && instance.replica() < replicas;
            boolean current = specHash.equals(instance.specHash());
            if (wanted && current && !adopt.containsKey(instance.replica())) {
                adopt.put(instance.replica(), instance);
            } else {
                remove.add(instance);
            }
        }
        return new ReconcilePlan(Map.copyOf(adopt), List.copyOf(remove));
    }
}
