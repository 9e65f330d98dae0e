package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.InstanceRequest;

class InstanceLabelsTest {

    private static final Map<String, String> LABELS = Map.of(
            "io.hybridge.managed", "true", "io.hybridge.gateway", "gw-1", "io.hybridge.workload", "vision",
            "io.hybridge.replica", "2", "io.hybridge.spec-hash", "abc123");

    @Test
    void anInstanceCarriesTheGatewayWorkloadReplicaAndSpecHash() {
        InstanceRequest request = new InstanceRequest("gw-1", Specs.spec("vision").build(), "abc123", 2, Optional.empty());
        assertThat(InstanceLabels.of(request)).isEqualTo(LABELS);
    }

    @Test
    void onlyTheGatewaysOwnInstancesAreItsOwn() {
        assertThat(InstanceLabels.ownedBy(LABELS, "gw-1")).isTrue();
        assertThat(InstanceLabels.ownedBy(LABELS, "gw-2")).isFalse();
        assertThat(InstanceLabels.ownedBy(Map.of("io.hybridge.gateway", "gw-1"), "gw-1")).as("not marked managed").isFalse();
        assertThat(InstanceLabels.ownedBy(null, "gw-1")).isFalse();
    }

    @Test
    void anExitedContainerReadsAsExitedWithItsCodeTimesAndOomKill() {
        InstanceInfo info = InstanceLabels.read("c1", LABELS, "exited", 137, true,
                "2026-11-23T16:00:00.123456789Z", "2026-11-23T16:00:05Z", "").orElseThrow();
        assertThat(info.workloadName()).isEqualTo("vision");
        assertThat(info.replica()).isEqualTo(2);
        assertThat(info.specHash()).isEqualTo("abc123");
        assertThat(info.state()).isEqualTo(InstanceState.EXITED);
        assertThat(info.exitCode()).isEqualTo(137);
        assertThat(info.oomKilled()).isTrue();
        assertThat(info.startedAt()).isEqualTo(Instant.parse("2026-11-23T16:00:00.123456789Z"));
        assertThat(info.finishedAt()).isEqualTo(Instant.parse("2026-11-23T16:00:05Z"));
    }

    @Test
    void aRunningContainerHasNoExitCodeAndTheEnginesZeroTimeIsNoTime() {
        InstanceInfo info = InstanceLabels.read("c1", LABELS, "running", 3, false,
                "2026-11-23T16:00:00Z", "0001-01-01T00:00:00Z", null).orElseThrow();
        assertThat(info.state()).isEqualTo(InstanceState.RUNNING);
        assertThat(info.exitCode()).isZero();
        assertThat(info.finishedAt()).isNull();
        assertThat(InstanceLabels.read("c1", LABELS, "created", 0, false, "0001-01-01T00:00:00Z", "", "").orElseThrow())
                .satisfies(created -> {
                    assertThat(created.state()).isEqualTo(InstanceState.CREATED);
                    assertThat(created.startedAt()).isNull();
                });
    }

    @Test
    void engineStatesMapToThreeInstanceStates() {
        assertThat(InstanceLabels.state("paused")).isEqualTo(InstanceState.RUNNING);
        assertThat(InstanceLabels.state("restarting")).isEqualTo(InstanceState.RUNNING);
        assertThat(InstanceLabels.state("dead")).isEqualTo(InstanceState.EXITED);
        assertThat(InstanceLabels.state("removing")).isEqualTo(InstanceState.EXITED);
    }

    @Test
    void aContainerWithoutTheMarksIsNoInstance() {
        assertThat(InstanceLabels.read("c1", Map.of("io.hybridge.workload", "vision"), "running", 0, false, "", "", "")).isEmpty();
        assertThat(InstanceLabels.read("c1", null, "running", 0, false, "", "", "")).isEmpty();
    }

    @Test
    void aMangledReplicaLabelReadsAsMinusOne() {
        Map<String, String> labels = new java.util.HashMap<>(LABELS);
        labels.put("io.hybridge.replica", "x");
        assertThat(InstanceLabels.read("c1", labels, "running", 0, false, "", "", "").orElseThrow().replica()).isEqualTo(-1);
    }
}
