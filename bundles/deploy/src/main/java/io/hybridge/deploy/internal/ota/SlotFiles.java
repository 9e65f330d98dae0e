package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The deploy bundle's side of the launcher's self-update files under {@code var/slots} (the
 * protocol is described in distribution/README.md, "Self-update"): it reads where the trial
 * stands and writes only {@code next}, {@code confirmed} and {@code failed/<slot>}, each
 * atomically. No launcher class is used: the files are the contract.
 */
final class SlotFiles {

    /** The second line of {@code next} that makes the writer of {@code next} the trial's confirmer. */
    static final String CONFIRMER_EXTERNAL = "confirmer=external";

    /** What the deploy bundle needs to know of where the slots stand. */
    record State(String runningSlot, Optional<String> trialSlot, long trialDeadline, String current,
            Optional<String> next, Optional<String> failedReason, boolean staged) {
    }

    private final Path dir;

    SlotFiles(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Where things stand for {@code slot}, seen from the slot that runs. */
    State state(String runningSlot, String slot) throws IOException {
        Properties trial = new Properties();
        if (Files.isRegularFile(dir.resolve("trial"))) {
            trial.load(new StringReader(Files.readString(dir.resolve("trial"), StandardCharsets.UTF_8)));
        }
        String trialSlot = trial.getProperty("slot", "").strip();
        long deadline;
        try {
            deadline = Long.parseLong(trial.getProperty("deadline", "0").strip());
        } catch (NumberFormatException e) {
            deadline = 0;
        }
        return new State(runningSlot, trialSlot.isEmpty() ? Optional.empty() : Optional.of(trialSlot), deadline,
                read("current").orElse("factory"), read("next"), failedReason(slot),
                Files.isRegularFile(dir.resolve(slot).resolve("slot.properties")));
    }

    Optional<String> failedReason(String slot) throws IOException {
        Path file = dir.resolve("failed").resolve(slot);
        return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip())
                : Optional.empty();
    }

    boolean trialOpen() {
        return Files.exists(dir.resolve("trial"));
    }

    /** Makes {@code slot} the next one, confirmed by this bundle; a stale failure record of it goes first. */
    void writeNext(String slot) throws IOException {
        Files.deleteIfExists(dir.resolve("failed").resolve(slot));
        AtomicFiles.write(dir.resolve("next"), (slot + "\n" + CONFIRMER_EXTERNAL + "\n").getBytes(StandardCharsets.UTF_8));
    }

    void confirm(String slot) throws IOException {
        AtomicFiles.write(dir.resolve("confirmed"), (slot + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Records why the slot fails its trial; the launcher keeps the first reason written. */
    void recordFailure(String slot, String reason) throws IOException {
        Path file = dir.resolve("failed").resolve(slot);
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, (reason + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private Optional<String> read(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        String first = text.lines().findFirst().orElse("").strip();
        return first.isEmpty() ? Optional.empty() : Optional.of(first);
    }
}
