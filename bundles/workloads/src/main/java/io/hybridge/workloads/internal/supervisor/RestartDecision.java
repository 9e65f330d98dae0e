package io.hybridge.workloads.internal.supervisor;

import java.time.Duration;

import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;

/**
 * What the restart policy says about one exit. Pure, so every branch is unit-tested.
 *
 * @param action              what to do
 * @param delay               for {@link Action#RESTART}: the backoff to wait first
 * @param consecutiveFailures the failure count after this exit (0 after a stable run)
 */
record RestartDecision(Action action, Duration delay, int consecutiveFailures) {

    enum Action {
        /** Start again after {@link #delay()}. */
        RESTART,
        /** Done: it exited 0 and the policy does not restart successful exits. */
        COMPLETED,
        /** Exited with an error and the policy does not restart. */
        FAILED,
        /** Failed too often in a row: leave it stopped. */
        CRASH_LOOP
    }

    /**
     * @param failuresBefore consecutive failed runs before this exit
     * @param ranFor         how long this run lasted
     * @param failed         whether this exit counts as a failure (non-zero code, killed, unhealthy)
     */
    static RestartDecision after(RestartPolicy policy, int failuresBefore, Duration ranFor, boolean failed) {
        // a run that outlived stableAfter proves the workload healthy: earlier failures are forgiven
        int failures = ranFor.compareTo(policy.stableAfter()) >= 0 ? 0 : failuresBefore;
        RestartMode mode = policy.mode();
        if (!failed && mode != RestartMode.ALWAYS) {
            return new RestartDecision(Action.COMPLETED, Duration.ZERO, 0);
        }
        if (mode == RestartMode.NEVER) {
            return new RestartDecision(Action.FAILED, Duration.ZERO, failures + 1);
        }
        // 'always' restarts successful exits too; one that keeps exiting fast is crash-looping all the same
        boolean countsAsFailure = failed || ranFor.compareTo(policy.stableAfter()) < 0;
        int after = countsAsFailure ? failures + 1 : 0;
        if (after >= policy.crashLoopLimit()) {
            return new RestartDecision(Action.CRASH_LOOP, Duration.ZERO, after);
        }
        return new RestartDecision(Action.RESTART, backoff(policy, after), after);
    }

    /** initial × multiplier^(n-1), capped at max; n = 0 (a clean 'always' exit) waits the initial backoff. */
    static Duration backoff(RestartPolicy policy, int failures) {
        double millis = policy.initialBackoff().toMillis() * Math.pow(policy.multiplier(), Math.max(0, failures - 1));
        long capped = (long) Math.min(millis, policy.maxBackoff().toMillis());
        return Duration.ofMillis(capped);
    }
}
