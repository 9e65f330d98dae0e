package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.cloud.CloudPublisher;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.health.Health;
import io.hybridge.api.workload.WorkloadRuntime;

/**
 * The job thread: the steps of a job — download and verify, stage, switch, health gate, commit
 * or roll back — each recorded in the {@link JobJournal} before its effects begin, and the
 * recovery that finishes or undoes a job a dead process left. One job at a time: {@link #submit}
 * claims the single slot.
 */
final class JobRunner {

    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final DeployConfig config;
    private final TrustedKeys keys;
    private final Path stateDir;
    private final JobJournal journal;
    private final InstalledUnits installed;
    private final UnitStore store;
    private final BundleSwitch bundles;
    private final HealthGate gate;
    private final ImageGate imageGate;
    private final Downloader downloader;
    private final UnitArchive.Limits limits;
    private final Bundle system;
    private final Supplier<CloudPublisher> cloud;
    private final Supplier<List<WorkloadRuntime>> runtimes;
    private final Optional<SelfUpdateSite> site;
    private final ExecutorService worker;
    private final AtomicBoolean cancel = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile Job active;
    private volatile Job last;

    JobRunner(DeployConfig config, TrustedKeys keys, Path stateDir, JobJournal journal, InstalledUnits installed,
            UnitStore store, BundleSwitch bundles, HealthGate gate, ImageGate imageGate, Downloader downloader,
            UnitArchive.Limits limits,
            Bundle system, Supplier<CloudPublisher> cloud, Supplier<List<WorkloadRuntime>> runtimes,
            Optional<SelfUpdateSite> site) throws IOException {
        this.config = config;
        this.keys = keys;
        this.stateDir = stateDir;
        this.journal = journal;
        this.installed = installed;
        this.store = store;
        this.bundles = bundles;
        this.gate = gate;
        this.imageGate = imageGate;
        this.downloader = downloader;
        this.limits = limits;
        this.system = system;
        this.cloud = cloud;
        this.runtimes = runtimes;
        this.site = site;
        this.worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "hybridge-ota");
            thread.setDaemon(true);
            return thread;
        });
        List<Job> history = journal.history();
        last = history.isEmpty() ? null : history.get(0);
    }

    /** Claims the job slot for {@code job} and runs {@code steps} on the job thread. */
    synchronized void submit(Job job, Runnable steps) throws DeploymentAgent.Busy {
        Job running = active;
        if (running != null) {
            throw new DeploymentAgent.Busy(running);
        }
        active = job;
        cancel.set(false);
        worker.execute(steps);
    }

    /** Finishes or undoes a job a previous process left in the journal. */
    void resume(Job job) {
        active = job;
        worker.execute(() -> recover(job));
    }

    /** Stops the job thread; the journal keeps the step for the next start. */
    void stop() throws InterruptedException {
        stopping = true;
        worker.shutdownNow();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    Optional<Job> active() {
        return Optional.ofNullable(active);
    }

    Optional<Job> currentOrLast() {
        Job running = active;
        return Optional.ofNullable(running != null ? running : last);
    }

    /** DEL/download: stops a running download; empty when none is downloading. */
    Optional<Job> cancelDownload() throws DeploymentAgent.Busy {
        Job running = active;
        if (running == null) {
            return Optional.empty();
        }
        if (running.step != Job.Step.DOWNLOADING) {
            throw new DeploymentAgent.Busy(running);
        }
        cancel.set(true);
        return Optional.of(running);
    }

    void runDownload(Job job) {
        try {
            download(job);
            if (job.install) {
                install(job);
            } else {
                job.step = Job.Step.DOWNLOADED;
                finish(job);
            }
        } catch (DeployException e) {
            if (stopping) {
                return; // our own shutdown broke the transfer: the journal keeps the step for the next start
            }
            failDownloadOrInstall(job, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: the journal keeps the step for the next start
        } catch (IOException | RuntimeException e) {
            LOG.error("OTA job {} failed", job.id, e);
            failDownloadOrInstall(job, "internal error: " + e);
        }
    }

    void runInstall(Job job) {
        try {
            install(job);
        } catch (DeployException e) {
            if (stopping) {
                return;
            }
            failDownloadOrInstall(job, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("OTA job {} failed", job.id, e);
            failDownloadOrInstall(job, "internal error: " + e);
        }
    }

    private void download(Job job) throws DeployException, InterruptedException, IOException {
        Path part = stateDir.resolve("downloads").resolve(job.id + ".part");
        job.downloadStatus = Job.IN_PROGRESS;
        journal.save(job);
        notify(job, "download", JobPayloads.download(job));
        UnitHash expected = job.hash == null ? null : UnitHash.parse(job.hash);
        Optional<Path> already = expected != null && expected.isSha256() ? store.unit(expected.hex()) : Optional.empty();
        if (already.isPresent()) {
            useStoredUnit(job, already.get(), expected);
            return;
        }
        Downloader.Result result;
        long t0 = System.nanoTime();
        try {
            result = downloader.fetch(URI.create(job.uri), part, job.resume, expected, job.blockSize,
                    job.blockDelayMillis, Duration.ofMillis(job.timeoutMillis > 0 ? job.timeoutMillis : 60_000), cancel,
                    (received, total, index) -> {
                        job.downloadSize = total > 0 ? total : received;
                        job.downloadIndex = index;
                        job.downloadProgress = total > 0 ? (int) Math.min(100, received * 100 / total) : 0;
                        notify(job, "download", JobPayloads.download(job));
                    });
        } catch (DeployException e) {
            if (cancel.get()) {
                Files.deleteIfExists(part); // a broken transfer keeps its partial file: the next attempt resumes it
            }
            throw e;
        }
        long t1 = System.nanoTime();
        job.transferMillis = (t1 - t0) / 1_000_000;
        // the file's pages go to the disk while it is checked (both take tens of milliseconds
        // for a large unit); adopt() fsyncs again, which is then cheap, and reports a failure
        Future<?> flushed = AtomicFiles.fsyncLater(part);
        try {
            verify(job, result, part);
        } catch (DeployException e) {
            Files.deleteIfExists(part); // a file that failed verification is never resumed
            throw e;
        } finally {
            AtomicFiles.awaitFlush(flushed);
        }
        job.verifyMillis = (System.nanoTime() - t1) / 1_000_000;
        String sha256 = HexFormat.of().formatHex(result.sha256());
        downloaded(job, store.adopt(part, sha256, "unit"), sha256, result.size());
        LOG.info("OTA job {}: {} {} downloaded in {} ms and verified in {} ms ({} bytes, sha256 {})", job.id, job.name,
                job.version, job.transferMillis, job.verifyMillis, result.size(), sha256);
    }

    /**
     * The unit with the expected SHA-256 is in the store already (an earlier job downloaded it: a
     * reinstall, a unit rolled back and tried again): it is checked as a download would be
     * (signature, content) and used without fetching it again.
     */
    private void useStoredUnit(Job job, Path unit, UnitHash expected) throws DeployException, IOException {
        long size = Files.size(unit);
        long t0 = System.nanoTime();
        verify(job, new Downloader.Result(HexFormat.of().parseHex(expected.hex()), null, size), unit);
        job.transferMillis = 0;
        job.verifyMillis = (System.nanoTime() - t0) / 1_000_000;
        downloaded(job, unit, expected.hex(), size);
        LOG.info("OTA job {}: {} {} is in the unit store already ({} bytes, sha256 {}); checked, not downloaded again",
                job.id, job.name, job.version, size, job.sha256);
    }

    /** The checked unit is in the store: the job's download is COMPLETED, journalled and notified. */
    private void downloaded(Job job, Path unit, String sha256, long size) throws IOException {
        job.unitFile = unit.toString();
        job.sha256 = sha256;
        job.downloadSize = size;
        job.downloadProgress = 100;
        job.downloadStatus = Job.COMPLETED;
        job.step = Job.Step.DOWNLOADED;
        journal.save(job);
        notify(job, "download", JobPayloads.download(job));
    }

    /** Hash, signature and content checks: a unit that fails any of them is refused before install. */
    private void verify(Job job, Downloader.Result result, Path file) throws DeployException {
        if (job.hash != null) {
            UnitHash expected = UnitHash.parse(job.hash);
            expected.check(expected.isSha256() ? result.sha256() : result.expected());
        }
        if (job.signature != null && !job.signature.isBlank()) {
            keys.verify(result.sha256(), job.signature, job.signatureKey);
        } else if (!config.allowUnsigned()) {
            throw new DeployException("unsigned unit refused: dp.signature is missing; sign the unit's SHA-256 digest"
                    + " with a fleet key this gateway trusts (trustedKeys of " + DeploymentAgent.PID + ")");
        }
        UnitArchive.Type detected = UnitArchive.detect(file);
        if (job.unitType != null) {
            UnitArchive.Type declared = UnitArchive.Type.fromWire(job.unitType).orElseThrow();
            if (declared != detected) {
                throw new DeployException("dp.unit.type says " + declared.wireName + " but the file is a " + detected.wireName);
            }
        }
        job.unitType = detected.wireName;
        switch (detected) {
            case BUNDLE -> UnitArchive.checkBundle(file, limits);
            case FEATURE -> UnitArchive.checkZip(file, limits);
            case WORKLOAD_IMAGE -> UnitArchive.checkImageTar(file, limits);
            case SELF_UPDATE -> {
                // the launcher's stager reads and checks the whole archive when it stages it
            }
        }
    }

    private void install(Job job) throws DeployException, InterruptedException, IOException {
        awaitFrameworkStarted();
        job.step = Job.Step.INSTALLING;
        job.installStatus = Job.IN_PROGRESS;
        job.installProgress = 0;
        journal.save(job);
        notify(job, "install", JobPayloads.install(job));
        UnitArchive.Type type = UnitArchive.Type.fromWire(job.unitType)
                .orElseThrow(() -> new DeployException("unit type " + job.unitType + " is unknown"));
        Path unit = Path.of(job.unitFile);
        if (type == UnitArchive.Type.WORKLOAD_IMAGE) {
            installImage(job, unit);
            return;
        }
        if (type == UnitArchive.Type.SELF_UPDATE) {
            stageAndSwitch(job, unit);
            return;
        }
        Optional<InstalledUnits.Unit> same = installed.get(job.name)
                .filter(done -> done.version().equals(job.version) && done.sha256().equals(job.sha256));
        if (same.isPresent() && !job.force) {
            // the fleet retried a job that had already succeeded: nothing to switch (dp.download.force=true reinstalls)
            job.installStatus = Job.COMPLETED;
            job.installProgress = 100;
            job.step = Job.Step.DONE;
            finish(job);
            LOG.info("OTA job {}: {} {} is already installed with the same content", job.id, job.name, job.version);
            notify(job, "install", JobPayloads.install(job));
            return;
        }
        List<Path> jars = new ArrayList<>();
        if (type == UnitArchive.Type.BUNDLE) {
            jars.add(unit);
        } else {
            for (UnitArchive.FeatureBundle bundle : UnitArchive.unpackFeature(unit, limits, store)) {
                jars.add(bundle.jar());
            }
        }
        job.changes = bundles.plan(job.name, jars);
        job.installProgress = 25;
        job.step = Job.Step.SWITCHING; // durable before the framework changes: a restart from here undoes
        journal.save(job);
        Map<String, Health> before = gate.subsystems();
        List<Bundle> switched;
        try {
            BundleSwitch.Switched done = bundles.apply(job.changes);
            switched = done.bundles();
            job.interruptionMillis = done.interruptionMillis();
        } catch (DeployException e) {
            rollBack(job, e.getMessage(), e.frameworkUnchanged());
            return;
        }
        LOG.info("OTA job {}: switched to {} {} (replaced bundles inactive for {} ms at most); health gate next", job.id,
                job.name, job.version, job.interruptionMillis);
        job.step = Job.Step.SWITCHED;
        job.installProgress = 50;
        journal.save(job);
        notify(job, "install", JobPayloads.install(job));
        healthGateThenCommit(job, switched, before);
    }

    private Duration healthDeadline(Job job) {
        return Duration.ofMillis(job.healthTimeoutMillis > 0 ? job.healthTimeoutMillis : config.healthGateSeconds() * 1000L);
    }

    private void healthGateThenCommit(Job job, List<Bundle> switched, Map<String, Health> before)
            throws InterruptedException, IOException {
        try {
            gate.await(switched, before, healthDeadline(job), () -> stopping);
        } catch (DeployException e) {
            rollBack(job, e.getMessage(), false);
            return;
        }
        installed.put(new InstalledUnits.Unit(job.name, job.version, job.unitType, job.sha256, job.id,
                System.currentTimeMillis(), job.changes));
        job.installStatus = Job.COMPLETED;
        job.installProgress = 100;
        job.step = Job.Step.DONE;
        finish(job);
        LOG.info("OTA job {}: {} {} installed and healthy", job.id, job.name, job.version);
        notify(job, "install", JobPayloads.install(job));
        republishBirth();
    }

    private void rollBack(Job job, String reason, boolean frameworkUnchanged) throws IOException {
        List<String> problems = bundles.undo(job.changes);
        job.step = Job.Step.DONE;
        if (!problems.isEmpty()) {
            job.installStatus = Job.FAILED;
            job.installError = reason + "; rollback incomplete: " + String.join("; ", problems);
            LOG.error("OTA job {}: {} {} failed and could not be fully rolled back: {}", job.id, job.name, job.version,
                    job.installError);
        } else if (frameworkUnchanged) {
            job.installStatus = Job.FAILED;
            job.installError = reason + "; nothing was changed";
            LOG.warn("OTA job {}: {} {} refused: {}", job.id, job.name, job.version, reason);
        } else {
            job.installStatus = Job.ROLLED_BACK;
            job.installError = reason + "; previous version restored";
            LOG.warn("OTA job {}: {} {} rolled back: {}", job.id, job.name, job.version, reason);
        }
        finish(job);
        notify(job, "install", JobPayloads.install(job));
        republishBirth();
    }

    /**
     * Loads a workload-image unit into the runtime that takes its format. What the runtime's
     * workloads' references name is journalled first (step SWITCHING), so that a restart in the
     * middle of the load points them back; the references the load moved then go through the
     * {@link ImageGate} (step SWITCHED), and a failed gate points them back and restarts their
     * workloads on the previous image.
     */
    private void installImage(Job job, Path tar) throws DeployException, IOException, InterruptedException {
        String format = UnitArchive.checkImageTar(tar, limits);
        WorkloadRuntime runtime = runtimes.get().stream().filter(r -> r.canLoadImageArchive(format)).findFirst()
                .orElseThrow(() -> new DeployException("no workload runtime here loads " + format + " archives (the"
                        + " container runtime loads docker-archive tars, the unikernel runtime OCI layout tars; is that"
                        + " runtime installed and enabled?)"));
        job.imageRuntime = runtime.type().id();
        job.imagesBefore.clear();
        job.imagesBefore.putAll(imageGate.before(runtime));
        job.step = Job.Step.SWITCHING;
        job.installProgress = 25;
        journal.save(job);
        List<String> loaded;
        try {
            loaded = runtime.loadImageArchive(tar);
        } catch (io.hybridge.api.workload.WorkloadException e) {
            // a refused archive moves no name (both runtimes check every image before they tag)
            throw new DeployException("the " + runtime.type() + " runtime could not load the image: " + e.getMessage());
        }
        LOG.info("OTA job {}: image {} loaded into the {} runtime: {}", job.id, job.name, runtime.type(), loaded);
        job.imageSwaps = imageGate.swaps(runtime, job.imagesBefore);
        job.step = Job.Step.SWITCHED;
        job.installProgress = 50;
        journal.save(job);
        notify(job, "install", JobPayloads.install(job));
        imageGateThenCommit(job, runtime);
    }

    private void imageGateThenCommit(Job job, WorkloadRuntime runtime) throws InterruptedException, IOException {
        if (!job.imageSwaps.isEmpty()) {
            LOG.info("OTA job {}: restarting {} on the new image; health gate next", job.id, job.imageSwaps.stream()
                    .flatMap(s -> s.workloads().stream()).distinct().toList());
            Optional<String> problem = imageGate.restartAndAwait(job.imageSwaps, healthDeadline(job), () -> stopping);
            if (problem.isPresent()) {
                rollBackImages(job, runtime, problem.get());
                return;
            }
        }
        installed.put(new InstalledUnits.Unit(job.name, job.version, job.unitType, job.sha256, job.id,
                System.currentTimeMillis(), List.of()));
        job.installStatus = Job.COMPLETED;
        job.installProgress = 100;
        job.installError = null;
        job.step = Job.Step.DONE;
        finish(job);
        LOG.info("OTA job {}: image {} {} installed{}", job.id, job.name, job.version, job.imageSwaps.isEmpty()
                ? " (no workload runs it yet: workloads created from now on do)" : "; its workloads run healthy on it");
        notify(job, "install", JobPayloads.install(job));
        republishBirth();
    }

    /** Points every reference the load may have moved back at what it named before, and restarts their workloads. */
    private void rollBackImages(Job job, WorkloadRuntime runtime, String reason) throws IOException {
        List<ImageGate.Swap> swaps = job.imageSwaps;
        if (swaps.isEmpty()) {
            // stopped during the load: which names moved is not recorded; every name that differs goes back
            try {
                swaps = imageGate.swaps(runtime, job.imagesBefore);
            } catch (DeployException e) {
                swaps = List.of();
                reason = reason + "; " + e.getMessage();
            }
        }
        List<String> problems = imageGate.restore(runtime, swaps);
        job.step = Job.Step.DONE;
        if (problems.isEmpty()) {
            job.installStatus = Job.ROLLED_BACK;
            job.installError = reason + "; previous image restored" + (swaps.isEmpty() ? "" : " for "
                    + swaps.stream().map(ImageGate.Swap::reference).toList());
            LOG.warn("OTA job {}: image {} {} rolled back: {}", job.id, job.name, job.version, job.installError);
        } else {
            job.installStatus = Job.FAILED;
            job.installError = reason + "; rollback incomplete: " + String.join("; ", problems);
            LOG.error("OTA job {}: image {} {} failed and could not be fully rolled back: {}", job.id, job.name,
                    job.version, job.installError);
        }
        finish(job);
        notify(job, "install", JobPayloads.install(job));
        republishBirth();
    }

    /** After a restart: the image job's runtime, once it and the workload service have registered again (within the health deadline). */
    private Optional<WorkloadRuntime> imageRuntime(Job job) throws InterruptedException {
        long end = System.nanoTime() + healthDeadline(job).toNanos();
        while (true) {
            Optional<WorkloadRuntime> runtime = runtimes.get().stream()
                    .filter(r -> r.type().id().equals(job.imageRuntime)).findFirst();
            if (runtime.isPresent() && imageGate.ready() || System.nanoTime() > end || stopping) {
                return runtime;
            }
            Thread.sleep(200); // runtimes register as their components activate after the framework started
        }
    }

    private void recoverImage(Job job) throws InterruptedException, IOException {
        Optional<WorkloadRuntime> runtime = imageRuntime(job);
        if (runtime.isEmpty()) {
            failDownloadOrInstall(job, "after a restart, the " + job.imageRuntime + " runtime that loaded the image did not"
                    + " come back within " + healthDeadline(job).toSeconds() + " s");
            return;
        }
        if (job.step == Job.Step.SWITCHING) {
            rollBackImages(job, runtime.get(), "the gateway stopped while loading image " + job.name + " " + job.version);
        } else {
            imageGateThenCommit(job, runtime.get());
        }
    }

    void runUninstall(Job job) {
        try {
            journal.save(job);
            notify(job, "uninstall", JobPayloads.uninstall(job));
            List<String> problems = bundles.undo(job.changes);
            job.step = Job.Step.DONE;
            if (problems.isEmpty()) {
                installed.remove(job.name);
                job.installStatus = Job.COMPLETED;
                job.installProgress = 100;
            } else {
                job.installStatus = Job.FAILED;
                job.installError = "uninstall of " + job.name + " incomplete: " + String.join("; ", problems);
            }
            finish(job);
            notify(job, "uninstall", JobPayloads.uninstall(job));
            republishBirth();
        } catch (IOException | RuntimeException e) {
            LOG.error("OTA uninstall job {} failed", job.id, e);
            job.step = Job.Step.DONE;
            job.installStatus = Job.FAILED;
            job.installError = "internal error: " + e;
            finishQuietly(job);
        }
    }

    private void failDownloadOrInstall(Job job, String reason) {
        job.step = Job.Step.DONE;
        if (job.installStatus != null) {
            job.installStatus = Job.FAILED;
            job.installError = reason;
            finishQuietly(job);
            notify(job, "install", JobPayloads.install(job));
        } else {
            job.downloadStatus = Job.FAILED;
            job.downloadError = reason;
            finishQuietly(job);
            notify(job, "download", JobPayloads.download(job));
        }
        LOG.warn("OTA job {} ({} {}) failed: {}", job.id, job.name, job.version, reason);
    }

    private void finish(Job job) throws IOException {
        job.finishedAt = System.currentTimeMillis();
        journal.finish(job);
        last = job;
        active = null;
    }

    private void finishQuietly(Job job) {
        try {
            finish(job);
        } catch (IOException e) {
            LOG.error("OTA job {} could not be recorded: {}", job.id, e.getMessage());
            last = job;
            active = null;
        }
    }

    /**
     * Felix starts the bundles of a start level from a list it takes when the level begins: a
     * bundle installed or started while the framework is still starting may be left RESOLVED until
     * the next restart. Switches therefore wait until the framework has started.
     */
    private void awaitFrameworkStarted() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (system.getState() != Bundle.ACTIVE && System.nanoTime() < end && !stopping) {
            Thread.sleep(100); // polling the system bundle's state; FrameworkEvent.STARTED may have passed already
        }
    }

    /** After a restart: resume a download, redo an install that had not switched, undo a switch, re-run a gate. */
    private void recover(Job job) {
        try {
            if (job.step != Job.Step.DOWNLOADING) {
                awaitFrameworkStarted();
            }
            if (job.imageRuntime != null && (job.step == Job.Step.SWITCHING || job.step == Job.Step.SWITCHED)) {
                recoverImage(job);
                return;
            }
            switch (job.step) {
                case DOWNLOADING -> {
                    job.resume = true;
                    runDownload(job);
                }
                case DOWNLOADED -> {
                    if (job.install) {
                        runInstall(job);
                    } else {
                        finish(job);
                    }
                }
                case INSTALLING -> runInstall(job);
                case SWITCHING -> {
                    if (job.operation.equals("uninstall")) {
                        runUninstall(job);
                    } else {
                        rollBack(job, "the gateway stopped while switching to " + job.name + " " + job.version, false);
                    }
                }
                case SWITCHED -> {
                    List<Bundle> switched = new ArrayList<>();
                    for (BundleChange change : job.changes) {
                        bundles.at(change.location()).ifPresent(switched::add);
                    }
                    if (switched.size() != job.changes.size()) {
                        rollBack(job, "after a restart, bundles of " + job.name + " were missing", false);
                    } else {
                        healthGateThenCommit(job, switched, Map.of());
                    }
                }
                case RESTARTING -> recoverSelfUpdate(job);
                case DONE -> finish(job);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("OTA recovery of job {} failed", job.id, e);
            failDownloadOrInstall(job, "recovery failed: " + e);
        }
    }

    // ---- self-update ------------------------------------------------------------------------

    /**
     * Stages the verified archive into a slot named after its content, records RESTARTING, writes
     * {@code next} (this bundle confirms the trial) and stops the framework: the launcher exits to
     * bin/hybridge, which starts the slot on trial. The job goes on in that slot ({@link #recoverSelfUpdate}).
     */
    private void stageAndSwitch(Job job, Path archive) throws DeployException, InterruptedException, IOException {
        SelfUpdateSite here = site.orElseThrow(() -> new DeployException("a self-update needs the Hybridge launcher"
                + " (framework properties hybridge.home and hybridge.selfupdate.dir are not set)"));
        job.slot = "u" + job.sha256.substring(0, 12);
        job.fromSlot = here.runningSlot();
        job.fromVersion = here.runningVersion();
        if (job.slot.equals(here.runningSlot()) && !job.force) {
            completeSelfUpdate(job, "already running");
            return;
        }
        if (here.slots().trialOpen()) {
            throw new DeployException("a self-update trial is running (var/slots/trial); send the job after it ended", true);
        }
        job.installProgress = 10;
        journal.save(job);
        notify(job, "install", JobPayloads.install(job));
        here.stager().stage(archive, job.slot);
        LOG.info("OTA job {}: self-update {} {} staged as slot {}; switching from slot {} ({})", job.id, job.name,
                job.version, job.slot, job.fromSlot, job.fromVersion);
        job.step = Job.Step.RESTARTING; // durable before next: from here on the slot files tell how it went
        job.installProgress = 50;
        journal.save(job);
        notify(job, "install", JobPayloads.install(job));
        switchTo(job, here);
    }

    private void switchTo(Job job, SelfUpdateSite here) throws IOException {
        here.slots().writeNext(job.slot);
        LOG.info("OTA job {}: stopping the framework so that the launcher starts slot {} on trial", job.id, job.slot);
        Thread stopper = new Thread(() -> {
            try {
                system.stop(); // the launcher sees var/slots/next and exits for bin/hybridge to start the slot
            } catch (org.osgi.framework.BundleException | RuntimeException e) {
                LOG.error("OTA job {}: the framework did not stop for the switch to slot {}", job.id, job.slot, e);
            }
        }, "hybridge-ota-switch");
        stopper.start(); // not on the job thread: stopping the framework deactivates this agent, which waits for it
    }

    /** A self-update job found at RESTARTING when the agent starts: in the new slot, the old one, or before the switch. */
    private void recoverSelfUpdate(Job job) throws InterruptedException, IOException {
        if (site.isEmpty()) {
            finishSelfUpdate(job, Job.FAILED, "the gateway no longer runs under the Hybridge launcher");
            return;
        }
        SelfUpdateSite here = site.get();
        SlotFiles.State state = here.slots().state(here.runningSlot(), job.slot);
        SelfUpdateRecovery.Decision decision = SelfUpdateRecovery.decide(job.slot, state);
        LOG.info("OTA job {}: self-update to slot {} running slot {}: {}", job.id, job.slot, here.runningSlot(),
                decision.action());
        switch (decision.action()) {
            case GATE_AND_CONFIRM -> gateAndConfirm(job, here, state);
            case COMPLETED -> completeSelfUpdate(job, "slot " + job.slot + " is current");
            case ROLLED_BACK -> finishSelfUpdate(job, Job.ROLLED_BACK, "slot " + job.slot + " (" + job.version
                    + ") failed its trial: " + decision.reason() + "; previous version " + here.runningVersion()
                    + " (slot " + here.runningSlot() + ") runs");
            case SWITCH -> switchTo(job, here);
            case FAILED -> finishSelfUpdate(job, Job.FAILED, decision.reason());
        }
    }

    /**
     * The self-update health gate, in the new slot on trial: every persistently started bundle
     * active, their DS components satisfied, every {@code /health} subsystem (workloads among them)
     * ready, and the cloud link connected when the job came over it. Passed: {@code confirmed},
     * then the launcher promotes the slot. Failed: the reason goes to {@code failed/<slot>}, on which
     * the launcher halts and bin/hybridge falls back; the old slot reports ROLLED_BACK.
     */
    private void gateAndConfirm(Job job, SelfUpdateSite here, SlotFiles.State state)
            throws InterruptedException, IOException {
        long now = System.currentTimeMillis();
        long gateMillis = job.healthTimeoutMillis > 0 ? job.healthTimeoutMillis : config.healthGateSeconds() * 1000L;
        if (state.trialDeadline() > 0) {
            gateMillis = Math.max(1000, Math.min(gateMillis, state.trialDeadline() - now - 3000)); // before the launcher gives up
        }
        List<Bundle> bundles = new ArrayList<>();
        for (Bundle bundle : system.getBundleContext().getBundles()) {
            if (bundle.getBundleId() == 0 || bundle.getHeaders().get(org.osgi.framework.Constants.FRAGMENT_HOST) != null) {
                continue;
            }
            org.osgi.framework.startlevel.BundleStartLevel level = bundle.adapt(org.osgi.framework.startlevel.BundleStartLevel.class);
            if (level != null && level.isPersistentlyStarted()) {
                bundles.add(bundle);
            }
        }
        Map<String, Health> allReady = new java.util.LinkedHashMap<>();
        for (String subsystem : gate.subsystems().keySet()) {
            allReady.put(subsystem, Health.of(io.hybridge.api.health.HealthStatus.UP, "required by the self-update gate"));
        }
        boolean overCloud = job.requester != null;
        try {
            gate.await(bundles, allReady, Duration.ofMillis(gateMillis), () -> stopping, () -> {
                CloudPublisher publisher = cloud.get();
                if (overCloud && (publisher == null || !publisher.isConnected())) {
                    return Optional.of("the cloud link is not connected");
                }
                return Optional.empty();
            });
        } catch (DeployException e) {
            String reason = "self-update " + e.getMessage();
            here.slots().recordFailure(job.slot, reason);
            LOG.error("OTA job {}: slot {} is not healthy: {}; the launcher falls back to slot {} now",
                    job.id, job.slot, reason, job.fromSlot);
            return; // the job stays active (no other job may overwrite the journal) and ends in the old slot
        }
        here.slots().confirm(job.slot);
        LOG.info("OTA job {}: slot {} passed the self-update health gate; confirmed", job.id, job.slot);
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end && !stopping) {
            SlotFiles.State now2 = here.slots().state(here.runningSlot(), job.slot);
            if (now2.trialSlot().isEmpty() && job.slot.equals(now2.current())) {
                completeSelfUpdate(job, "slot " + job.slot + " confirmed and current");
                return;
            }
            Thread.sleep(200); // the launcher's trial watch promotes the confirmed slot at its next poll
        }
        LOG.warn("OTA job {}: slot {} confirmed but not promoted yet; the job completes at the next start", job.id, job.slot);
    }

    private void completeSelfUpdate(Job job, String why) throws IOException {
        installed.put(new InstalledUnits.Unit(job.name, job.version, job.unitType, job.sha256, job.id,
                System.currentTimeMillis(), List.of()));
        LOG.info("OTA job {}: self-update to {} {} completed ({})", job.id, job.name, job.version, why);
        finishSelfUpdate(job, Job.COMPLETED, null);
    }

    private void finishSelfUpdate(Job job, String status, String reason) throws IOException {
        job.step = Job.Step.DONE;
        job.installStatus = status;
        job.installError = reason;
        job.installProgress = Job.COMPLETED.equals(status) ? 100 : job.installProgress;
        if (reason != null) {
            LOG.warn("OTA job {}: self-update {}: {}", job.id, status, reason);
        }
        finish(job);
        awaitCloudLink(job);
        notify(job, "install", JobPayloads.install(job));
        republishBirth();
    }

    /**
     * A self-update ends right after a start of the gateway, usually before the cloud link is up:
     * the outcome waits for it (a while) so the requester hears it.
     */
    private void awaitCloudLink(Job job) {
        if (job.requester == null) {
            return;
        }
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try {
            while (System.nanoTime() < end && !stopping) {
                CloudPublisher publisher = cloud.get();
                if (publisher != null && publisher.isConnected()) {
                    return;
                }
                Thread.sleep(200); // polling the link; the outcome is in GET/download and GET/jobs meanwhile
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void notify(Job job, String type, KuraPayload payload) {
        CloudPublisher publisher = cloud.get();
        if (publisher == null || job.requester == null) {
            return;
        }
        try {
            publisher.notify(job.requester, DeploymentAgent.APP_ID, type, payload);
        } catch (RuntimeException e) {
            LOG.debug("OTA notification {} of job {} not sent: {}", type, job.id, e.toString());
        }
    }

    private void republishBirth() {
        CloudPublisher publisher = cloud.get();
        if (publisher != null) {
            publisher.republishBirth();
        }
    }
}
