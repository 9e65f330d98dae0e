package io.hybridge.deploy.internal.ota;

/**
 * What a self-update job at {@link Job.Step#RESTARTING} means when the deploy bundle starts: the
 * journal says the slot was staged and {@code next} written (or about to be), the slot files say
 * what the launcher made of it. A pure decision, so every point a {@code kill -9} can leave is
 * tested without a launcher.
 */
final class SelfUpdateRecovery {

    enum Action {
        /** This is the new slot on trial: run the self-update health gate, then confirm. */
        GATE_AND_CONFIRM,
        /** This is the new slot and it is already current (confirmed and promoted before a crash). */
        COMPLETED,
        /** The trial failed and the launcher fell back to this slot. */
        ROLLED_BACK,
        /** The switch had not happened yet (killed before {@code next}, or the framework did not stop): do it. */
        SWITCH,
        /** Nothing consistent to go on: the slot vanished or something else runs. */
        FAILED
    }

    record Decision(Action action, String reason) {
    }

    private SelfUpdateRecovery() {
    }

    static Decision decide(String slot, SlotFiles.State state) {
        if (slot.equals(state.runningSlot())) {
            if (state.trialSlot().filter(slot::equals).isPresent()) {
                return new Decision(Action.GATE_AND_CONFIRM, null);
            }
            if (slot.equals(state.current())) {
                return new Decision(Action.COMPLETED, null);
            }
            return new Decision(Action.FAILED, "slot " + slot + " runs but is neither on trial nor current"
                    + " (var/slots/current names " + state.current() + ")");
        }
        if (state.failedReason().isPresent()) {
            return new Decision(Action.ROLLED_BACK, state.failedReason().get());
        }
        if (slot.equals(state.current())) {
            return new Decision(Action.FAILED, "slot " + slot + " is current but slot " + state.runningSlot()
                    + " runs (bin/hybridge could not start it?)");
        }
        if (!state.staged()) {
            return new Decision(Action.FAILED, "slot " + slot + " is not staged any more (var/slots/" + slot
                    + "/slot.properties is missing)");
        }
        if (state.trialSlot().isPresent()) {
            return new Decision(Action.FAILED, "slot " + state.trialSlot().get() + " is on trial, not " + slot);
        }
        return new Decision(Action.SWITCH, null);
    }
}
