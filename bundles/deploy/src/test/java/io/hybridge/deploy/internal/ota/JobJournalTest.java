package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobJournalTest {

    @TempDir
    Path dir;

    private static Job job(long id) {
        Job job = new Job();
        job.id = id;
        job.name = "sensor-filter";
        job.version = "1.2.0";
        job.uri = "http://127.0.0.1/unit.jar";
        job.requester = "fleet";
        return job;
    }

    @Test
    void aSelfUpdateJobSurvivesARestartWithItsSlots() throws Exception {
        JobJournal journal = new JobJournal(dir, 5);
        Job job = job(8);
        job.unitType = "self-update";
        job.step = Job.Step.RESTARTING;
        job.slot = "u0123456789ab";
        job.fromSlot = "factory";
        job.fromVersion = "0.1.0";
        journal.save(job);

        Job recovered = new JobJournal(dir, 5).current().orElseThrow();
        assertThat(recovered.step).isEqualTo(Job.Step.RESTARTING);
        assertThat(recovered.slot).isEqualTo("u0123456789ab");
        assertThat(recovered.fromSlot).isEqualTo("factory");
        assertThat(recovered.fromVersion).isEqualTo("0.1.0");
    }

    @Test
    void aJobSurvivesARestartAtTheStepItReached() throws Exception {
        JobJournal journal = new JobJournal(dir, 5);
        Job job = job(7);
        job.step = Job.Step.SWITCHING;
        job.changes.add(new BundleChange("hybridge-ota:sensor-filter/a", "a", "1.2.0", "/s/new.jar", "1.1.0", "/s/old.jar", true));
        journal.save(job);

        Job recovered = new JobJournal(dir, 5).current().orElseThrow();
        assertThat(recovered.id).isEqualTo(7);
        assertThat(recovered.step).isEqualTo(Job.Step.SWITCHING);
        assertThat(recovered.changes).containsExactlyElementsOf(job.changes);
        assertThat(recovered.changes.get(0).isNew()).isFalse();
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).doesNotContain("current.json.tmp");
    }

    @Test
    void finishedJobsMoveToTheHistoryNewestFirstAndOldOnesFallOff() throws Exception {
        JobJournal journal = new JobJournal(dir, 2);
        for (long id = 1; id <= 3; id++) {
            Job job = job(id);
            journal.save(job);
            job.step = Job.Step.DONE;
            job.installStatus = Job.COMPLETED;
            journal.finish(job);
        }
        assertThat(journal.current()).isEmpty();
        List<Job> history = journal.history();
        assertThat(history).extracting(j -> j.id).containsExactly(3L, 2L);
        assertThat(history.get(0).status()).isEqualTo(Job.COMPLETED);
    }

    @Test
    void aCrashBetweenHistoryAndCurrentLeavesNothingToRecover() throws Exception {
        JobJournal journal = new JobJournal(dir, 5);
        Job job = job(9);
        job.step = Job.Step.DONE;
        job.installStatus = Job.ROLLED_BACK;
        journal.save(job);
        journal.finish(job);
        journal.save(job); // as if the process died before current.json was removed
        assertThat(journal.current()).isEmpty();
        assertThat(Files.exists(dir.resolve("current.json"))).isFalse();
    }
}
