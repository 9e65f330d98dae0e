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
import java.util.OptionalInt;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One look at a trial at a time (no thread): what ends it, and with which exit status. */
class TrialWatchTest {

    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path home;

    private SlotDirectory slots;
    private SlotProtocol protocol;
    private final List<Integer> halts = new ArrayList<>();
    private TrialWatch watch;

    @BeforeEach
    void aTrialOfSlotB() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/framework.properties"), "hybridge.version=1.0.0\n");
        slots = new SlotDirectory(home);
        Path slot = Files.createDirectories(slots.dir().resolve("b/etc"));
        Files.writeString(slot.resolve("framework.properties"), "hybridge.version=2.0.0\n");
        Files.writeString(slots.dir().resolve("b").resolve(SlotDirectory.SLOT_PROPERTIES), "id=b\nversion=2.0.0\n");
        slots.write("failed/b", "an earlier attempt\n"); // cleared when the trial begins
        slots.write("next", "b\n" + SlotProtocol.CONFIRMER_EXTERNAL + "\n");
        protocol = new SlotProtocol(slots, Clock.fixed(NOW, ZoneOffset.UTC));
        SlotProtocol.Trial trial = protocol.resolve("b", OptionalInt.empty(), Duration.ofSeconds(120)).trial().orElseThrow();
        watch = new TrialWatch(protocol, trial, null, Clock.fixed(NOW.plusSeconds(5), ZoneOffset.UTC), halts::add);
    }

    @Test
    void anOpenTrialGoesOnUntilSomethingDecides() throws Exception {
        assertThat(watch.step()).isFalse();
        assertThat(halts).isEmpty();
    }

    @Test
    void aFailureRecordedByTheSlotsGateEndsTheTrialAtOnce() throws Exception {
        slots.write("failed/b", "self-update health gate: bundle io.example.x is not active\n");

        assertThat(watch.step()).isTrue();

        assertThat(halts).containsExactly(SlotProtocol.EXIT_TRIAL_FAILED);
        assertThat(SlotProtocol.describeExit(SlotProtocol.EXIT_TRIAL_FAILED)).contains("health gate failed");
    }

    @Test
    void aConfirmationPromotesWithoutHalting() throws Exception {
        slots.write("confirmed", "b\n");

        assertThat(watch.step()).isTrue();

        assertThat(halts).isEmpty();
        assertThat(slots.current()).isEqualTo("b");
    }
}
