package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * The durable record of jobs: {@code current.json} holds the job being worked on (rewritten
 * atomically at every step, so a restart finds the last step that began), {@code history.json}
 * the last finished jobs, newest first. A job moves to the history in one write of the history
 * followed by the removal of {@code current.json}; a crash between them leaves the job in both,
 * and {@link #current()} then reports nothing to recover.
 */
final class JobJournal {

    private final Path currentFile;
    private final Path historyFile;
    private final int historySize;

    JobJournal(Path dir, int historySize) {
        this.currentFile = dir.resolve("current.json");
        this.historyFile = dir.resolve("history.json");
        this.historySize = Math.max(1, historySize);
    }

    /** The unfinished job, if a previous run left one. */
    Optional<Job> current() throws IOException {
        if (!Files.isRegularFile(currentFile)) {
            return Optional.empty();
        }
        Job job = Job.fromMap(JSON.std.mapFrom(Files.readString(currentFile)));
        if (history().stream().anyMatch(done -> done.id == job.id && done.startedAt == job.startedAt && done.finished())) {
            Files.deleteIfExists(currentFile); // crashed between the two writes of finish()
            return Optional.empty();
        }
        return Optional.of(job);
    }

    /** Records the job's state; returns once it is on disk. */
    void save(Job job) throws IOException {
        AtomicFiles.write(currentFile, JSON.std.asString(job.toMap()).getBytes(StandardCharsets.UTF_8));
    }

    /** Moves a finished job to the history. */
    void finish(Job job) throws IOException {
        List<Job> history = new ArrayList<>(history());
        history.removeIf(old -> old.id == job.id && old.startedAt == job.startedAt);
        history.add(0, job);
        while (history.size() > historySize) {
            history.remove(history.size() - 1);
        }
        List<Map<String, Object>> maps = history.stream().map(Job::toMap).toList();
        AtomicFiles.write(historyFile, JSON.std.asString(maps).getBytes(StandardCharsets.UTF_8));
        Files.deleteIfExists(currentFile);
        AtomicFiles.syncDirectory(currentFile.getParent());
    }

    /** Finished jobs, newest first. */
    @SuppressWarnings("unchecked")
    List<Job> history() throws IOException {
        if (!Files.isRegularFile(historyFile)) {
            return List.of();
        }
        List<Job> jobs = new ArrayList<>();
        for (Object entry : JSON.std.listFrom(Files.readString(historyFile))) {
            jobs.add(Job.fromMap((Map<String, Object>) entry));
        }
        return jobs;
    }
}
