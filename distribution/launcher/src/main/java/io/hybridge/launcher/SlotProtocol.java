package io.hybridge.launcher;

import java.io.IOException;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The self-update state machine, run by the launcher of whichever slot {@code bin/hybridge}
 * started (see distribution/README.md, "Self-update", for the files and the boot rule).
 * Every transition is a sequence of atomic file writes ordered so that a {@code kill -9}
 * between any two of them is resolved by running the same transition again at the next
 * start; the write that commits a transition always comes last.
 */
final class SlotProtocol {

    /** Launcher exit status: the framework stopped with a slot pending in {@code next}; start it. */
    static final int EXIT_SWITCH = 10;
    /** Launcher exit status: the slot on trial was not confirmed before its deadline. */
    static final int EXIT_TRIAL_EXPIRED = 11;
    /** Launcher exit status: the slot on trial failed its health gate ({@code failed/<slot>} written during the trial). */
    static final int EXIT_TRIAL_FAILED = 12;

    /**
     * A line of {@code next} (after the slot id) and of {@code trial}: whoever wrote {@code next}
     * (the deploy bundle for its self-update job) confirms the trial, whatever the slot's
     * {@code hybridge.selfupdate.confirmer} says. bin/hybridge reads only the first line.
     */
    static final String CONFIRMER_EXTERNAL = "confirmer=external";

    private static final Logger LOG = LoggerFactory.getLogger(SlotProtocol.class);

    /** The contents of {@code trial}: the slot being tried, the slot to return to, and the deadline. */
    record Trial(String slot, String fallback, Instant started, Instant deadline, boolean externallyConfirmed) {

        Trial(String slot, String fallback, Instant started, Instant deadline) {
            this(slot, fallback, started, deadline, false);
        }

        String format() {
            return "slot=" + slot + "\nfallback=" + fallback + "\nstarted=" + started.toEpochMilli()
                    + "\ndeadline=" + deadline.toEpochMilli() + "\n"
                    + (externallyConfirmed ? CONFIRMER_EXTERNAL + "\n" : "");
        }

        static Trial parse(String text) throws IOException {
            Properties p = new Properties();
            p.load(new StringReader(text));
            String slot = p.getProperty("slot");
            String fallback = p.getProperty("fallback", SlotDirectory.FACTORY);
            try {
                return new Trial(slot == null ? null : slot.strip(), fallback.strip(),
                        Instant.ofEpochMilli(Long.parseLong(p.getProperty("started", "0").strip())),
                        Instant.ofEpochMilli(Long.parseLong(p.getProperty("deadline", "0").strip())),
                        "external".equals(p.getProperty("confirmer", "").strip()));
            } catch (NumberFormatException e) {
                throw new IOException("var/slots/trial: 'started' and 'deadline' must be epoch milliseconds: " + text);
            }
        }
    }

    /** What this launcher runs: its slot and, while that slot is on trial, the trial. */
    record Boot(String slot, Optional<Trial> trial) {
    }

    private final SlotDirectory slots;
    private final SlotHistory history;
    private final Clock clock;

    SlotProtocol(SlotDirectory slots, Clock clock) {
        this.slots = slots;
        this.history = new SlotHistory(slots.dir());
        this.clock = clock;
    }

    SlotDirectory slots() {
        return slots;
    }

    /**
     * Settles what the previous run left (a trial confirmed, failed or interrupted; a pending
     * {@code next}) and says how this launcher runs.
     *
     * @param thisSlot  the slot bin/hybridge started (its boot rule read the same files)
     * @param lastExit  the exit status of the previous launcher when it ended during a trial
     */
    Boot resolve(String thisSlot, OptionalInt lastExit, Duration trialLength) throws IOException {
        Optional<Trial> open = trial();
        if (open.isPresent()) {
            Trial trial = open.get();
            if (isConfirmed(trial)) {
                promote(trial);
            } else {
                fail(trial, lastExit.isPresent() ? describeExit(lastExit.getAsInt())
                        : "interrupted: the gateway ended (kill -9, power loss or a stop) before the slot was confirmed");
            }
        }
        Optional<String> next = slots.read("next");
        if (next.isPresent()) {
            String candidate = next.get();
            if (!slots.isStaged(candidate)) {
                String reason = "not a staged slot: var/slots/" + candidate + "/" + SlotDirectory.SLOT_PROPERTIES
                        + " is missing (stage the archive first)";
                LOG.error("self-update: 'next' names {}: {}", candidate, reason);
                if (isValidId(candidate)) {
                    recordFailure(candidate, reason);
                }
                slots.delete("next");
            } else if (candidate.equals(thisSlot)) {
                boolean external = slots.readAll("next").lines().skip(1).map(String::strip)
                        .anyMatch(CONFIRMER_EXTERNAL::equals);
                Trial trial = beginTrial(candidate, trialLength, external);
                return new Boot(thisSlot, Optional.of(trial));
            } else {
                LOG.info("self-update: slot {} is pending; it starts when this gateway stops its framework or restarts",
                        candidate);
            }
        }
        String current = slots.current();
        if (!current.equals(thisSlot)) {
            LOG.warn("self-update: running slot {} but var/slots/current names {}{}", thisSlot, current,
                    slots.isStaged(current) ? "" : " (not staged any more: the factory installation runs instead)");
        }
        return new Boot(thisSlot, Optional.empty());
    }

    Optional<Trial> trial() throws IOException {
        if (!slots.exists("trial")) {
            return Optional.empty();
        }
        Trial trial = Trial.parse(slots.readAll("trial"));
        if (trial.slot() == null || trial.slot().isEmpty()) {
            // a trial file without its slot was never written by the protocol: drop it
            LOG.error("self-update: var/slots/trial names no slot; ignoring it");
            slots.delete("trial");
            return Optional.empty();
        }
        return Optional.of(trial);
    }

    /** Whether the deploy bundle's gate (or anyone) wrote {@code failed/<slot>} since the trial began. */
    boolean hasFailed(Trial trial) {
        return slots.exists("failed/" + trial.slot());
    }

    boolean isConfirmed(Trial trial) throws IOException {
        return slots.read("confirmed").filter(trial.slot()::equals).isPresent();
    }

    /** True when a slot waits in {@code next}: the launcher then exits with {@link #EXIT_SWITCH}. */
    boolean switchPending() throws IOException {
        return slots.read("next").isPresent();
    }

    /** The slot becomes current; the slot it replaced is kept as previous, older slots go. */
    void promote(Trial trial) throws IOException {
        slots.write("previous", trial.fallback());
        slots.write("current", trial.slot());
        history.record(new SlotHistory.Entry(trial.slot(), version(trial.slot()), trial.started(),
                SlotHistory.Outcome.CONFIRMED, null, clock.instant()));
        slots.delete("trial"); // commit: from here on the slot is current
        slots.delete("confirmed");
        prune();
        LOG.info("self-update: slot {} ({}) confirmed; it is current now, {} is kept as previous",
                trial.slot(), version(trial.slot()), trial.fallback());
    }

    /** The trial ended without confirmation: the fallback slot, still current, stays current. */
    void fail(Trial trial, String reason) throws IOException {
        recordFailure(trial.slot(), reason);
        String recorded = slots.readAll("failed/" + trial.slot()).strip();
        history.record(new SlotHistory.Entry(trial.slot(), version(trial.slot()), trial.started(),
                SlotHistory.Outcome.FAILED, recorded, clock.instant()));
        if (slots.read("next").filter(trial.slot()::equals).isPresent()) {
            slots.delete("next");
        }
        slots.delete("trial"); // commit: the fallback runs
        LOG.error("self-update: slot {} failed its trial: {}; back on slot {}", trial.slot(), recorded,
                trial.fallback());
    }

    /** Writes {@code failed/<slot>} unless a reason is already there (the first, most precise, wins). */
    void recordFailure(String slot, String reason) throws IOException {
        if (!slots.exists("failed/" + slot)) {
            slots.write("failed/" + slot, reason + "\n");
        }
    }

    private Trial beginTrial(String slot, Duration length, boolean externallyConfirmed) throws IOException {
        slots.delete("failed/" + slot); // a retried slot starts with a clean record
        slots.delete("confirmed");
        Instant now = clock.instant();
        Trial trial = new Trial(slot, slots.current(), now, now.plus(length), externallyConfirmed);
        slots.write("trial", trial.format());
        history.record(new SlotHistory.Entry(slot, version(slot), now, SlotHistory.Outcome.TRIAL, null, null));
        slots.delete("next"); // commit: the trial runs; a kill -9 from here on is a failed trial
        LOG.info("self-update: slot {} ({}) on trial until {}; falls back to {} unless confirmed",
                slot, version(slot), trial.deadline(), trial.fallback());
        return trial;
    }

    /** Keeps the factory, current, previous and a pending next; removes every other slot. */
    private void prune() throws IOException {
        Set<String> keep = new HashSet<>();
        keep.add(slots.current());
        slots.read("previous").ifPresent(keep::add);
        slots.read("next").ifPresent(keep::add);
        for (String slot : slots.slotDirectories().toList()) {
            if (!keep.contains(slot)) {
                LOG.info("self-update: removing slot {} (neither current nor previous)", slot);
                slots.deleteSlot(slot);
            }
        }
    }

    String version(String slot) {
        return slots.version(slot);
    }

    static String describeExit(int status) {
        return switch (status) {
            case EXIT_TRIAL_EXPIRED -> "not confirmed before the trial deadline";
            case EXIT_TRIAL_FAILED -> "its health gate failed during the trial";
            case 2 -> "the launcher could not start it (exit status 2: a configuration or feature problem;"
                    + " see var/log/hybridge.log)";
            case 3 -> "the JVM ran out of memory (exit status 3)";
            default -> status > 128 ? "killed by signal " + (status - 128) + " during the trial (exit status "
                    + status + ")" : "exited with status " + status + " during the trial";
        };
    }

    private static boolean isValidId(String id) {
        try {
            SlotDirectory.checkId(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
