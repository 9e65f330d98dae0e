package io.hybridge.fleet.rollout;

import java.util.Collection;

/**
 * How one wave stands against its thresholds: the error threshold is checked while the wave runs
 * (failures strictly above {@code errorPercent} of the wave), the success threshold once every
 * gateway of the wave has an outcome (successes at least {@code successPercent} of the wave).
 */
public record WaveVerdict(Outcome outcome, int size, int succeeded, int errors, int offline, int running, String reason) {

    public enum Outcome { RUNNING, ERRORS_EXCEEDED, DONE_ADVANCE, DONE_BELOW_SUCCESS }

    public static WaveVerdict judge(int wave, Collection<TargetState> states, int successPercent, int errorPercent) {
        int size = states.size();
        int succeeded = 0;
        int errors = 0;
        int offline = 0;
        int running = 0;
        for (TargetState s : states) {
            if (s.success()) {
                succeeded++;
            } else if (s.error()) {
                errors++;
            } else if (s == TargetState.OFFLINE || s == TargetState.CANCELLED) {
                offline++;
            } else {
                running++;
            }
        }
        String counts = succeeded + " of " + size + " succeeded, " + errors + " failed, " + offline + " offline";
        if ((long) errors * 100 > (long) errorPercent * size) {
            return new WaveVerdict(Outcome.ERRORS_EXCEEDED, size, succeeded, errors, offline, running,
                    "wave " + (wave + 1) + ": " + errors + " of " + size + " failed, above the error threshold of " + errorPercent + "%");
        }
        if (running > 0) {
            return new WaveVerdict(Outcome.RUNNING, size, succeeded, errors, offline, running, "wave " + (wave + 1) + ": " + counts);
        }
        if ((long) succeeded * 100 >= (long) successPercent * size) {
            return new WaveVerdict(Outcome.DONE_ADVANCE, size, succeeded, errors, offline, running, "wave " + (wave + 1) + ": " + counts);
        }
        return new WaveVerdict(Outcome.DONE_BELOW_SUCCESS, size, succeeded, errors, offline, running,
                "wave " + (wave + 1) + ": " + counts + ", below the success threshold of " + successPercent + "%");
    }
}
