package io.hybridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol at every point a {@code kill -9} can interrupt it: each test lays out the files as
 * the interrupted step left them and checks that the next start ends with either the old slot or
 * the new one current, never a mix.
 */
class SlotProtocolTest {

    private static final Duration TRIAL = Duration.ofSeconds(120);
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path home;

    private SlotDirectory slots;
    private SlotProtocol protocol;

    @BeforeEach
    void installation() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/framework.properties"), "hybridge.version=1.0.0\n");
        slots = new SlotDirectory(home);
        protocol = new SlotProtocol(slots, Clock.fixed(NOW, ZoneOffset.UTC));
        stage("b", "2.0.0");
    }

    @Test
    void aPendingNextStartsATrialOfThatSlot() throws Exception {
        slots.write("next", "b\n");

        SlotProtocol.Boot boot = protocol.resolve("b", OptionalInt.empty(), TRIAL);

        assertThat(boot.trial()).isPresent();
        assertThat(boot.trial().get().fallback()).isEqualTo("factory");
        assertThat(boot.trial().get().deadline()).isEqualTo(NOW.plus(TRIAL));
        assertThat(slots.exists("next")).isFalse();
        assertThat(slots.current()).isEqualTo("factory");
        assertThat(history()).containsExactly("b 2.0.0 TRIAL");
    }

    @Test
    void killedAfterNextWasWrittenTheNextStartTriesTheSlot() throws Exception {
        slots.write("next", "b\n");
        // bin/hybridge's boot rule: no trial, next is staged -> it starts b
        assertThat(protocol.resolve("b", OptionalInt.empty(), TRIAL).trial()).isPresent();
    }

    @Test
    void killedWhileStartingTheTrialFallsBackWithTheReason() throws Exception {
        // beginTrial wrote trial, then died before removing next
        slots.write("next", "b\n");
        slots.write("trial", new SlotProtocol.Trial("b", "factory", NOW, NOW.plus(TRIAL)).format());

        // boot rule: a trial is open and unconfirmed -> current (factory) starts
        SlotProtocol.Boot boot = protocol.resolve("factory", OptionalInt.empty(), TRIAL);

        assertThat(boot.trial()).isEmpty();
        assertConsistent("factory");
        assertThat(slots.exists("next")).isFalse();
        assertThat(slots.readAll("failed/b")).contains("interrupted");
    }

    @Test
    void killedDuringTheTrialFallsBackToTheSlotThatWasCurrent() throws Exception {
        beginTrial();

        protocol.resolve("factory", OptionalInt.empty(), TRIAL);

        assertConsistent("factory");
        assertThat(slots.readAll("failed/b")).contains("interrupted");
        assertThat(history()).containsExactly("b 2.0.0 FAILED");
    }

    @Test
    void aTrialThatExitedNamesItsExitStatus() throws Exception {
        beginTrial();

        protocol.resolve("factory", OptionalInt.of(134), TRIAL);

        assertThat(slots.readAll("failed/b")).contains("signal 6");
        assertConsistent("factory");
    }

    @Test
    void theFirstRecordedReasonWins() throws Exception {
        beginTrial();
        protocol.recordFailure("b", "could not start: feature bundle x is missing");

        protocol.resolve("factory", OptionalInt.of(2), TRIAL);

        assertThat(slots.readAll("failed/b")).contains("feature bundle x is missing");
        assertThat(new SlotHistory(slots.dir()).entries().get(0).reason()).contains("feature bundle x is missing");
    }

    @Test
    void killedAfterConfirmationTheSlotIsPromotedAtTheNextStart() throws Exception {
        SlotProtocol.Trial trial = beginTrial();
        slots.write("confirmed", "b\n");

        // boot rule: trial confirmed -> b starts; its launcher promotes it
        SlotProtocol.Boot boot = protocol.resolve("b", OptionalInt.empty(), TRIAL);

        assertThat(boot.trial()).isEmpty();
        assertConsistent("b");
        assertThat(slots.read("previous")).contains(trial.fallback());
        assertThat(history()).containsExactly("b 2.0.0 CONFIRMED");
    }

    @Test
    void killedHalfWayThroughPromotionThePromotionIsRepeatedIdentically() throws Exception {
        beginTrial();
        slots.write("confirmed", "b\n");
        slots.write("previous", "factory\n");
        slots.write("current", "b\n"); // died here, before trial was removed

        protocol.resolve("b", OptionalInt.empty(), TRIAL);

        assertConsistent("b");
        assertThat(slots.read("previous")).contains("factory"); // not b: the fallback comes from the trial file
    }

    @Test
    void aConfirmationLeftOverAfterPromotionIsHarmless() throws Exception {
        slots.write("current", "b\n");
        slots.write("confirmed", "b\n"); // promotion died before removing it

        SlotProtocol.Boot boot = protocol.resolve("b", OptionalInt.empty(), TRIAL);

        assertThat(boot.trial()).isEmpty();
        assertThat(slots.current()).isEqualTo("b");
    }

    @Test
    void aConfirmationOfAnotherSlotDoesNotConfirmTheTrial() throws Exception {
        beginTrial();
        slots.write("confirmed", "c\n");

        protocol.resolve("factory", OptionalInt.empty(), TRIAL);

        assertConsistent("factory");
        assertThat(slots.exists("failed/b")).isTrue();
    }

    @Test
    void nextNamingAnUnstagedSlotIsDroppedWithTheReason() throws Exception {
        slots.write("next", "ghost\n");

        protocol.resolve("factory", OptionalInt.empty(), TRIAL);

        assertThat(slots.exists("next")).isFalse();
        assertThat(slots.readAll("failed/ghost")).contains("not a staged slot");
    }

    @Test
    void aSecondUpdateKeepsCurrentAndPreviousAndRemovesOlderSlots() throws Exception {
        beginTrial();
        slots.write("confirmed", "b\n");
        protocol.resolve("b", OptionalInt.empty(), TRIAL);
        stage("c", "3.0.0");
        slots.write("next", "c\n");
        SlotProtocol.Trial trial = protocol.resolve("c", OptionalInt.empty(), TRIAL).trial().orElseThrow();
        assertThat(trial.fallback()).isEqualTo("b");
        slots.write("confirmed", "c\n");

        new TrialWatch(protocol, trial, null, Clock.fixed(NOW, ZoneOffset.UTC), status -> { }).step();

        assertConsistent("c");
        assertThat(slots.read("previous")).contains("b");
        assertThat(slots.slotDirectories().toList()).containsExactlyInAnyOrder("b", "c");
        stage("d", "4.0.0");
        slots.write("next", "d\n");
        protocol.resolve("d", OptionalInt.empty(), TRIAL);
        slots.write("confirmed", "d\n");
        protocol.resolve("d", OptionalInt.empty(), TRIAL);
        assertThat(slots.slotDirectories().toList()).containsExactlyInAnyOrder("c", "d");
        assertThat(history()).containsExactly("b 2.0.0 CONFIRMED", "c 3.0.0 CONFIRMED", "d 4.0.0 CONFIRMED");
    }

    @Test
    void theWatchHaltsWithTheTrialStatusWhenTheDeadlinePasses() throws Exception {
        SlotProtocol.Trial trial = beginTrial();
        List<Integer> halts = new ArrayList<>();
        Clock late = Clock.fixed(trial.deadline(), ZoneOffset.UTC);

        boolean over = new TrialWatch(protocol, trial, null, late, halts::add).step();

        assertThat(over).isTrue();
        assertThat(halts).containsExactly(SlotProtocol.EXIT_TRIAL_EXPIRED);
        assertThat(slots.readAll("failed/b")).contains("not confirmed within 120 s");
        // bin/hybridge then starts current; its launcher closes the trial with the recorded reason
        protocol.resolve("factory", OptionalInt.of(SlotProtocol.EXIT_TRIAL_EXPIRED), TRIAL);
        assertConsistent("factory");
        assertThat(slots.readAll("failed/b")).contains("not confirmed within 120 s");
    }

    @Test
    void theWatchWaitsBeforeTheDeadline() throws Exception {
        SlotProtocol.Trial trial = beginTrial();
        List<Integer> halts = new ArrayList<>();

        assertThat(new TrialWatch(protocol, trial, null, Clock.fixed(NOW, ZoneOffset.UTC), halts::add).step()).isFalse();
        assertThat(halts).isEmpty();
        assertThat(slots.exists("trial")).isTrue();
    }

    @Test
    void aRetriedSlotStartsWithACleanRecord() throws Exception {
        beginTrial();
        protocol.resolve("factory", OptionalInt.of(1), TRIAL);
        assertThat(slots.exists("failed/b")).isTrue();

        slots.write("next", "b\n");
        protocol.resolve("b", OptionalInt.empty(), TRIAL);

        assertThat(slots.exists("failed/b")).isFalse();
    }

    @Test
    void invalidSlotIdsAreRefused() {
        for (String id : List.of("../etc", "factory", ".staging-1", "a/b", "")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> SlotDirectory.checkId(id))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not valid");
        }
    }

    private SlotProtocol.Trial beginTrial() throws Exception {
        slots.write("next", "b\n");
        return protocol.resolve("b", OptionalInt.empty(), TRIAL).trial().orElseThrow();
    }

    private void stage(String id, String version) throws Exception {
        Path slot = slots.dir().resolve(id);
        Files.createDirectories(slot.resolve("etc"));
        Files.writeString(slot.resolve("etc/framework.properties"), "hybridge.version=" + version + "\n");
        Files.writeString(slot.resolve(SlotDirectory.SLOT_PROPERTIES), "id=" + id + "\nversion=" + version + "\n");
    }

    /** No open trial, no pending next, and the expected slot current. */
    private void assertConsistent(String current) throws Exception {
        assertThat(slots.exists("trial")).as("trial closed").isFalse();
        assertThat(slots.exists("next")).as("nothing pending").isFalse();
        assertThat(slots.current()).isEqualTo(current);
        assertThat(slots.isStaged(current)).isTrue();
        assertThat(protocol.trial()).isEqualTo(Optional.empty());
    }

    private List<String> history() throws Exception {
        return new SlotHistory(slots.dir()).entries().stream()
                .map(e -> e.slot() + " " + e.version() + " " + e.outcome()).toList();
    }
}
