package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.startlevel.FrameworkStartLevel;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.cloud.BirthContributor;
import io.hybridge.api.cloud.CloudPublisher;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.WorkloadRuntime;

/**
 * The gateway's OTA agent: runs deployment jobs one at a time on its own thread — download and
 * verify (hash, Ed25519 signature), stage into the unit store, switch, health gate, commit or
 * roll back — and keeps each step in the {@link JobJournal} before it begins, so that after a
 * {@code kill -9} the job is resumed (download), finished (health gate again) or undone (switch).
 * It reports to the requester as DEPLOY-V2 notifications, to the fleet's inventory as BIRTH
 * metrics ({@code deploy.*}, republished after every change) and to {@code /health} as the
 * {@code ota} subsystem (DEGRADED while unsigned units are accepted).
 */
@Component(service = {DeploymentAgent.class, BirthContributor.class, HealthContributor.class},
        configurationPid = DeploymentAgent.PID, property = HealthContributor.SUBSYSTEM + "=" + DeploymentAgent.SUBSYSTEM)
@Designate(ocd = DeployConfig.class)
public final class DeploymentAgent implements BirthContributor, HealthContributor {

    static final String PID = "io.hybridge.deploy";
    static final String APP_ID = "DEPLOY-V2";
    static final String SUBSYSTEM = "ota";
    private static final Logger LOG = LoggerFactory.getLogger(DeploymentAgent.class);
    private static final long MIB = 1024L * 1024;

    private final DeployConfig config;
    private final TrustedKeys keys;
    private final Path stateDir;
    private final JobJournal journal;
    private final InstalledUnits installed;
    private final UnitStore store;
    private final BundleSwitch bundles;
    private final HealthGate gate;
    private final Downloader downloader;
    private final UnitArchive.Limits limits;
    private final ExecutorService worker;
    private final Bundle system;
    private final AtomicBoolean cancel = new AtomicBoolean();
    private final List<HealthContributor> contributors = new CopyOnWriteArrayList<>();
    private final List<WorkloadRuntime> runtimes = new CopyOnWriteArrayList<>();
    private volatile ServiceComponentRuntime scr;
    private volatile CloudPublisher cloud;
    private volatile Job active;
    private volatile Job last;
    private volatile boolean stopping;

    @Activate
    public DeploymentAgent(DeployConfig config, BundleContext context) throws IOException {
        this(config, context, stateDir(config, context));
    }

    DeploymentAgent(DeployConfig config, BundleContext context, Path stateDir) throws IOException {
        this.config = config;
        this.keys = TrustedKeys.parse(config.trustedKeys());
        this.stateDir = stateDir;
        this.system = context.getBundle(0);
        this.journal = new JobJournal(stateDir.resolve("journal"), config.historySize());
        this.installed = new InstalledUnits(stateDir.resolve("installed.json"));
        this.store = new UnitStore(stateDir.resolve("store"));
        this.bundles = new BundleSwitch(context, store);
        this.gate = new HealthGate(() -> scr, () -> contributors,
                () -> context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel());
        this.downloader = new Downloader(Downloader.newClient(), config.maxDownloadMiB() * MIB);
        this.limits = new UnitArchive.Limits(config.maxArchiveEntries(), config.maxUnpackedMiB() * MIB);
        this.worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "hybridge-ota");
            thread.setDaemon(true);
            return thread;
        });
        keys.problems().forEach(problem -> LOG.error("OTA: {} of {}; that key is not trusted", problem, PID));
        if (config.allowUnsigned()) {
            LOG.warn("OTA accepts unsigned units (allowUnsigned=true in {}): development only", PID);
        }
        List<Job> history = journal.history();
        last = history.isEmpty() ? null : history.get(0);
        Optional<Job> unfinished = journal.current();
        if (unfinished.isPresent()) {
            Job job = unfinished.get();
            active = job;
            LOG.info("OTA: job {} ({} {}) was at step {} when the gateway stopped; recovering", job.id, job.name,
                    job.version, job.step);
            worker.execute(() -> recover(job));
        }
    }

    private static Path stateDir(DeployConfig config, BundleContext context) {
        if (!config.stateDir().isBlank()) {
            return Path.of(config.stateDir());
        }
        String var = context.getProperty("hybridge.var");
        return var != null ? Path.of(var, "deploy") : context.getDataFile("deploy").toPath();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        stopping = true;
        worker.shutdownNow(); // the journal keeps the step: the next start resumes or undoes it
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    // ---- services ---------------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setCloud(CloudPublisher publisher) {
        cloud = publisher;
    }

    void unsetCloud(CloudPublisher publisher) {
        if (cloud == publisher) {
            cloud = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setScr(ServiceComponentRuntime runtime) {
        scr = runtime;
    }

    void unsetScr(ServiceComponentRuntime runtime) {
        if (scr == runtime) {
            scr = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addContributor(HealthContributor contributor) {
        contributors.add(contributor);
    }

    void removeContributor(HealthContributor contributor) {
        contributors.remove(contributor);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRuntime(WorkloadRuntime runtime) {
        runtimes.add(runtime);
    }

    void removeRuntime(WorkloadRuntime runtime) {
        runtimes.remove(runtime);
    }

    // ---- what the request handler and the console ask ---------------------------------------

    /** Refused because a job runs; the message names it. */
    static final class Busy extends Exception {
        private static final long serialVersionUID = 1L;

        Busy(Job running) {
            super("busy: job " + running.id + " is running (" + running.operation + " of " + running.name + ", step "
                    + running.step + ")");
        }
    }

    Optional<Job> activeJob() {
        return Optional.ofNullable(active);
    }

    /** The running job, else the last finished one. */
    Optional<Job> currentOrLast() {
        Job running = active;
        return Optional.ofNullable(running != null ? running : last);
    }

    List<Job> history() {
        try {
            return journal.history();
        } catch (IOException e) {
            LOG.warn("OTA job history unreadable: {}", e.getMessage());
            return List.of();
        }
    }

    List<InstalledUnits.Unit> installedUnits() {
        return installed.all();
    }

    boolean unsignedAllowed() {
        return config.allowUnsigned();
    }

    synchronized void submitDownload(Job job) throws Busy {
        Job running = active;
        if (running != null) {
            throw new Busy(running);
        }
        job.operation = "download";
        job.step = Job.Step.DOWNLOADING;
        job.startedAt = System.currentTimeMillis();
        active = job;
        cancel.set(false);
        worker.execute(() -> runDownload(job));
    }

    /** EXEC/install: installs a unit an earlier job downloaded (dp.install=false). */
    synchronized void submitInstall(String name, String version, long jobId, String requester) throws Busy, DeployException {
        Job running = active;
        if (running != null) {
            throw new Busy(running);
        }
        Job downloaded = history().stream()
                .filter(old -> name.equals(old.name) && version.equals(old.version) && old.unitFile != null
                        && Job.COMPLETED.equals(old.downloadStatus) && Files.isRegularFile(Path.of(old.unitFile)))
                .findFirst()
                .orElseThrow(() -> new DeployException("no downloaded unit " + name + " " + version
                        + "; download it first (EXEC/download with dp.install=false)"));
        Job job = new Job();
        job.id = jobId;
        job.operation = "install";
        job.name = name;
        job.version = version;
        job.requester = requester;
        job.unitFile = downloaded.unitFile;
        job.sha256 = downloaded.sha256;
        job.unitType = downloaded.unitType;
        job.healthTimeoutMillis = downloaded.healthTimeoutMillis;
        job.downloadStatus = Job.COMPLETED;
        job.downloadProgress = 100;
        job.install = true;
        job.step = Job.Step.DOWNLOADED;
        job.startedAt = System.currentTimeMillis();
        active = job;
        worker.execute(() -> runInstall(job));
    }

    synchronized void submitUninstall(String name, long jobId, String requester) throws Busy, DeployException {
        Job running = active;
        if (running != null) {
            throw new Busy(running);
        }
        InstalledUnits.Unit unit = installed.get(name).orElseThrow(() -> new DeployException("no unit named '" + name
                + "' was installed over the air; GET/packages lists them"));
        Job job = new Job();
        job.id = jobId;
        job.operation = "uninstall";
        job.name = name;
        job.version = unit.version();
        job.requester = requester;
        job.unitType = unit.type();
        job.changes = new ArrayList<>(unit.changes());
        job.step = Job.Step.SWITCHING;
        job.startedAt = System.currentTimeMillis();
        active = job;
        worker.execute(() -> runUninstall(job));
    }

    /** DEL/download: stops a running download; returns the job, or empty when none is downloading. */
    Optional<Job> cancelDownload() throws Busy {
        Job running = active;
        if (running == null) {
            return Optional.empty();
        }
        if (running.step != Job.Step.DOWNLOADING) {
            throw new Busy(running);
        }
        cancel.set(true);
        return Optional.of(running);
    }

    // ---- the job thread ---------------------------------------------------------------------

    private void runDownload(Job job) {
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

    private void runInstall(Job job) {
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
        Downloader.Result result;
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
        try {
            verify(job, result, part);
        } catch (DeployException e) {
            Files.deleteIfExists(part); // a file that failed verification is never resumed
            throw e;
        }
        String sha256 = HexFormat.of().formatHex(result.sha256());
        Path stored = store.adopt(part, sha256, "unit");
        job.unitFile = stored.toString();
        job.sha256 = sha256;
        job.downloadSize = result.size();
        job.downloadProgress = 100;
        job.downloadStatus = Job.COMPLETED;
        job.step = Job.Step.DOWNLOADED;
        journal.save(job);
        notify(job, "download", JobPayloads.download(job));
        LOG.info("OTA job {}: {} {} downloaded and verified ({} bytes, sha256 {})", job.id, job.name, job.version,
                result.size(), sha256);
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
                    + " with a fleet key this gateway trusts (trustedKeys of " + PID + ")");
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

    private void healthGateThenCommit(Job job, List<Bundle> switched, Map<String, Health> before)
            throws InterruptedException, IOException {
        Duration deadline = Duration.ofMillis(job.healthTimeoutMillis > 0 ? job.healthTimeoutMillis
                : config.healthGateSeconds() * 1000L);
        try {
            gate.await(switched, before, deadline, () -> stopping);
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

    private void installImage(Job job, Path tar) throws DeployException, IOException {
        String format = UnitArchive.checkImageTar(tar, limits);
        WorkloadRuntime runtime = runtimes.stream().filter(r -> r.canLoadImageArchive(format)).findFirst()
                .orElseThrow(() -> new DeployException("no workload runtime here loads " + format + " archives (the"
                        + " container runtime loads docker-archive tars; the unikernel runtime's OCI layout loading is to come)"));
        List<String> loaded;
        try {
            loaded = runtime.loadImageArchive(tar);
        } catch (io.hybridge.api.workload.WorkloadException e) {
            throw new DeployException("the " + runtime.type() + " runtime could not load the image: " + e.getMessage());
        }
        installed.put(new InstalledUnits.Unit(job.name, job.version, job.unitType, job.sha256, job.id,
                System.currentTimeMillis(), List.of()));
        job.installStatus = Job.COMPLETED;
        job.installProgress = 100;
        job.installError = null;
        job.step = Job.Step.DONE;
        finish(job);
        LOG.info("OTA job {}: image {} loaded into the {} runtime: {}", job.id, job.name, runtime.type(), loaded);
        notify(job, "install", JobPayloads.install(job));
        republishBirth();
    }

    private void runUninstall(Job job) {
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
                case DONE -> finish(job);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            LOG.error("OTA recovery of job {} failed", job.id, e);
            failDownloadOrInstall(job, "recovery failed: " + e);
        }
    }

    private void notify(Job job, String type, KuraPayload payload) {
        CloudPublisher publisher = cloud;
        if (publisher == null || job.requester == null) {
            return;
        }
        try {
            publisher.notify(job.requester, APP_ID, type, payload);
        } catch (RuntimeException e) {
            LOG.debug("OTA notification {} of job {} not sent: {}", type, job.id, e.toString());
        }
    }

    private void republishBirth() {
        CloudPublisher publisher = cloud;
        if (publisher != null) {
            publisher.republishBirth();
        }
    }

    // ---- reports ----------------------------------------------------------------------------

    @Override
    public Map<String, Object> birthMetrics() {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("deploy.packages", installed.inventory());
        Job reported = currentOrLast().orElse(null);
        if (reported != null) {
            metrics.put("deploy.job.last", reported.id + ":" + (reported.status() == null ? Job.IN_PROGRESS : reported.status()));
        }
        metrics.put("deploy.unsigned.allowed", config.allowUnsigned());
        return metrics;
    }

    @Override
    public String subsystem() {
        return SUBSYSTEM;
    }

    @Override
    public Health health() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("trustedKeys", List.copyOf(keys.ids()));
        details.put("installed", installed.inventory());
        Job running = active;
        if (running != null) {
            details.put("job", running.id + " " + running.operation + " " + running.name + " " + running.step);
        }
        List<String> problems = new ArrayList<>(keys.problems());
        if (config.allowUnsigned()) {
            problems.add(0, "unsigned units are accepted (allowUnsigned=true in " + PID + "): development only");
        }
        if (!problems.isEmpty()) {
            return Health.of(HealthStatus.DEGRADED, String.join("; ", problems), details);
        }
        if (keys.ids().isEmpty()) {
            return Health.of(HealthStatus.UP, "no trusted keys: every unit is refused until trustedKeys of " + PID
                    + " names a fleet key", details);
        }
        return Health.of(HealthStatus.UP, running == null ? "idle" : "job " + running.id + " at " + running.step, details);
    }

    Collection<Job> jobs() {
        List<Job> jobs = new ArrayList<>();
        activeJob().ifPresent(jobs::add);
        jobs.addAll(history());
        return jobs;
    }
}
