package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.deploy.internal.ota.SelfUpdateRecovery.Action;

/**
 * A self-update job at RESTARTING, with the slot files as each point of the launcher's protocol
 * (or a {@code kill -9} at it) leaves them, seen from the new slot and from the old one.
 */
class SelfUpdateRecoveryTest {

    private static final String NEW = "u0123456789ab";

    @TempDir
    Path dir;

    private SlotFiles slots;

    @BeforeEach
    void staged() throws Exception {
        slots = new SlotFiles(dir);
        Files.createDirectories(dir.resolve(NEW));
        Files.writeString(dir.resolve(NEW).resolve("slot.properties"), "id=" + NEW + "\nversion=2.0.0\n");
    }

    private Action decide(String running) throws Exception {
        return SelfUpdateRecovery.decide(NEW, slots.state(running, NEW)).action();
    }

    private void write(String name, String text) throws Exception {
        Files.createDirectories(dir.resolve(name).getParent());
        Files.writeString(dir.resolve(name), text, StandardCharsets.UTF_8);
    }

    @Test
    void killedBeforeNextWasWrittenTheOldSlotSwitchesAgain() throws Exception {
        assertThat(decide("factory")).isEqualTo(Action.SWITCH);
    }

    @Test
    void theNewSlotOnTrialRunsTheGateAndConfirms() throws Exception {
        write("trial", "slot=" + NEW + "\nfallback=factory\nstarted=1\ndeadline=99\nconfirmer=external\n");
        SlotFiles.State state = slots.state(NEW, NEW);
        assertThat(state.trialDeadline()).isEqualTo(99);
        assertThat(SelfUpdateRecovery.decide(NEW, state).action()).isEqualTo(Action.GATE_AND_CONFIRM);
    }

    @Test
    void killedAfterThePromotionTheNewSlotCompletes() throws Exception {
        write("current", NEW + "\n");
        assertThat(decide(NEW)).isEqualTo(Action.COMPLETED);
    }

    @Test
    void aFailedTrialIsRolledBackWithTheLaunchersReason() throws Exception {
        write("failed/" + NEW, "not confirmed within 60 s (hybridge.selfupdate.trial.seconds)\n");
        SelfUpdateRecovery.Decision decision = SelfUpdateRecovery.decide(NEW, slots.state("factory", NEW));
        assertThat(decision.action()).isEqualTo(Action.ROLLED_BACK);
        assertThat(decision.reason()).isEqualTo("not confirmed within 60 s (hybridge.selfupdate.trial.seconds)");
    }

    @Test
    void writingNextForgetsAnOlderFailureOfTheSameSlot() throws Exception {
        write("failed/" + NEW, "interrupted\n");
        slots.writeNext(NEW);
        assertThat(slots.failedReason(NEW)).isEmpty();
        assertThat(Files.readString(dir.resolve("next"))).isEqualTo(NEW + "\nconfirmer=external\n");
        assertThat(decide("factory")).isEqualTo(Action.SWITCH); // next is still there: the switch did not happen
    }

    @Test
    void theFirstRecordedFailureWins() throws Exception {
        slots.recordFailure(NEW, "self-update health gate: bundle x is INSTALLED, not ACTIVE");
        slots.recordFailure(NEW, "not confirmed within 60 s");
        assertThat(slots.failedReason(NEW)).contains("self-update health gate: bundle x is INSTALLED, not ACTIVE");
    }

    @Test
    void aSlotThatVanishedFailsTheJob() throws Exception {
        Files.delete(dir.resolve(NEW).resolve("slot.properties"));
        assertThat(decide("factory")).isEqualTo(Action.FAILED);
    }

    @Test
    void theNewSlotNeitherOnTrialNorCurrentFailsTheJob() throws Exception {
        assertThat(decide(NEW)).isEqualTo(Action.FAILED);
    }

    @Test
    void anotherSlotsTrialDoesNotSwitch() throws Exception {
        write("trial", "slot=other\nfallback=factory\nstarted=1\ndeadline=99\n");
        assertThat(decide("factory")).isEqualTo(Action.FAILED);
    }
}
