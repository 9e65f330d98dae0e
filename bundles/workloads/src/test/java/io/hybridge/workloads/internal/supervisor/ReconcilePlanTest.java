package io.hybridge.workloads.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;

class ReconcilePlanTest {

    static InstanceInfo instance(String id, int replica, String hash, InstanceState state) {
        return new InstanceInfo(id, "w", replica, hash, state, 0, false, Instant.EPOCH, null, "");
    }

    @Test
    void adoptsMatchingInstancesAndRemovesDriftedOnes() {
        ReconcilePlan plan = ReconcilePlan.of(List.of(
                instance("a", 0, "h1", InstanceState.RUNNING),
                instance("b", 1, "old", InstanceState.RUNNING)), "h1", 2);
        assertThat(plan.adopt()).containsOnlyKeys(0);
        assertThat(plan.adopt().get(0).instanceId()).isEqualTo("a");
        assertThat(plan.remove()).extracting(InstanceInfo::instanceId).containsExactly("b");
    }

    @Test
    void neverKeepsTwoForOneReplicaAndPrefersTheRunningOne() {
        ReconcilePlan plan = ReconcilePlan.of(List.of(
                instance("a-exited", 0, "h", InstanceState.EXITED),
                instance("z-running", 0, "h", InstanceState.RUNNING)), "h", 1);
        assertThat(plan.adopt().get(0).instanceId()).isEqualTo("z-running");
        assertThat(plan.remove()).extracting(InstanceInfo::instanceId).containsExactly("a-exited");
    }

    @Test
    void removesReplicasBeyondTheWantedCount() {
        ReconcilePlan plan = ReconcilePlan.of(List.of(
                instance("a", 0, "h", InstanceState.RUNNING),
                instance("b", 1, "h", InstanceState.RUNNING)), "h", 1);
        assertThat(plan.adopt()).containsOnlyKeys(0);
        assertThat(plan.remove()).extracting(InstanceInfo::instanceId).containsExactly("b");
    }

    @Test
    void nothingExistingMeansNothingAdopted() {
        ReconcilePlan plan = ReconcilePlan.of(List.of(), "h", 3);
        assertThat(plan.adopt()).isEmpty();
        assertThat(plan.remove()).isEmpty();
    }
}
