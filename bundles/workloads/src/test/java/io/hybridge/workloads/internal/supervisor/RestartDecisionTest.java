package io.hybridge.workloads.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;
import io.hybridge.workloads.internal.supervisor.RestartDecision.Action;

class RestartDecisionTest {
    private static final Duration SHORT = Duration.ofSeconds(1);

    private static RestartPolicy policy(RestartMode mode) {
        return new RestartPolicy(mode, Duration.ofSeconds(1), Duration.ofSeconds(10), 2.0, 4, Duration.ofSeconds(60));
    }

    @Test
    void onFailureRestartsAFailureWithGrowingBackoffCappedAtMax() {
        RestartPolicy policy = new RestartPolicy(RestartMode.ON_FAILURE, Duration.ofSeconds(1), Duration.ofSeconds(5), 2.0, 10,
                Duration.ofSeconds(60));
        assertThat(RestartDecision.after(policy, 0, SHORT, true)).isEqualTo(new RestartDecision(Action.RESTART, Duration.ofSeconds(1), 1));
        assertThat(RestartDecision.after(policy, 1, SHORT, true).delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(RestartDecision.after(policy, 2, SHORT, true).delay()).isEqualTo(Duration.ofSeconds(4));
        assertThat(RestartDecision.after(policy, 3, SHORT, true).delay()).isEqualTo(Duration.ofSeconds(5));
        assertThat(RestartDecision.after(policy, 8, SHORT, true).delay()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void onFailureCompletesASuccessfulExit() {
        assertThat(RestartDecision.after(policy(RestartMode.ON_FAILURE), 2, SHORT, false).action()).isEqualTo(Action.COMPLETED);
    }

    @Test
    void crashLoopAtTheLimit() {
        RestartPolicy policy = policy(RestartMode.ON_FAILURE);
        assertThat(RestartDecision.after(policy, 2, SHORT, true).action()).isEqualTo(Action.RESTART);
        RestartDecision fourth = RestartDecision.after(policy, 3, SHORT, true);
        assertThat(fourth.action()).isEqualTo(Action.CRASH_LOOP);
        assertThat(fourth.consecutiveFailures()).isEqualTo(4);
    }

    @Test
    void aStableRunForgivesEarlierFailures() {
        RestartDecision decision = RestartDecision.after(policy(RestartMode.ON_FAILURE), 3, Duration.ofSeconds(61), true);
        assertThat(decision.action()).isEqualTo(Action.RESTART);
        assertThat(decision.consecutiveFailures()).isEqualTo(1);
        assertThat(decision.delay()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void neverRestartsNothing() {
        assertThat(RestartDecision.after(policy(RestartMode.NEVER), 0, SHORT, true).action()).isEqualTo(Action.FAILED);
        assertThat(RestartDecision.after(policy(RestartMode.NEVER), 0, SHORT, false).action()).isEqualTo(Action.COMPLETED);
    }

    @Test
    void alwaysRestartsSuccessfulExitsButCountsQuickOnesTowardsTheCrashLoop() {
        RestartPolicy policy = policy(RestartMode.ALWAYS);
        RestartDecision quick = RestartDecision.after(policy, 0, SHORT, false);
        assertThat(quick.action()).isEqualTo(Action.RESTART);
        assertThat(quick.consecutiveFailures()).isEqualTo(1);
        assertThat(RestartDecision.after(policy, 3, SHORT, false).action()).isEqualTo(Action.CRASH_LOOP);
        RestartDecision stable = RestartDecision.after(policy, 3, Duration.ofMinutes(5), false);
        assertThat(stable.action()).isEqualTo(Action.RESTART);
        assertThat(stable.consecutiveFailures()).isZero();
        assertThat(stable.delay()).isEqualTo(Duration.ofSeconds(1));
    }
}
