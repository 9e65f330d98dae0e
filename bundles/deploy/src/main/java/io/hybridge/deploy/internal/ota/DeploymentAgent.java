package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

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
import io.hybridge.api.crypto.Digests;
import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadService;

/**
 * The gateway's OTA agent: owns the OTA state under {@code var/deploy} and hands jobs to the
 * {@link JobRunner} — download and verify (hash, Ed25519 signature), stage into the unit store,
 * switch, health gate, commit or roll back, one at a time, each step in the {@link JobJournal}
 * before it begins, so that after a {@code kill -9} the job is resumed (download), finished
 * (health gate again) or undone (switch); a journal left by a dead process is recovered when the
 * agent activates. It reports to the requester as DEPLOY-V2 notifications, to the fleet's inventory as BIRTH
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
    private final JobRunner runner;
    private final List<HealthContributor> contributors = new CopyOnWriteArrayList<>();
    private final List<WorkloadRuntime> runtimes = new CopyOnWriteArrayList<>();
    private volatile ServiceComponentRuntime scr;
    private volatile CloudPublisher cloud;
    private volatile WorkloadService workloads;
    private final List<String> configProblems = new ArrayList<>();

    @Activate
    public DeploymentAgent(DeployConfig config, BundleContext context) throws IOException {
        this(config, context, stateDir(config, context));
    }

    DeploymentAgent(DeployConfig config, BundleContext context, Path stateDir) throws IOException {
        this.config = config;
        this.keys = TrustedKeys.parse(config.trustedKeys());
        this.stateDir = stateDir;
        this.journal = new JobJournal(stateDir.resolve("journal"), config.historySize());
        this.installed = new InstalledUnits(stateDir.resolve("installed.json"));
        this.store = new UnitStore(stateDir.resolve("store"));
        this.bundles = new BundleSwitch(context, store);
        this.gate = new HealthGate(() -> scr, () -> contributors,
                () -> context.getBundle(0).adapt(FrameworkStartLevel.class).getStartLevel());
        this.downloader = new Downloader(downloadTls(config), config.maxDownloadMiB() * MIB);
        this.limits = new UnitArchive.Limits(config.maxArchiveEntries(), config.maxUnpackedMiB() * MIB);
        this.runner = new JobRunner(config, keys, stateDir, journal, installed, store, bundles, gate,
                new ImageGate(() -> workloads, java.time.Clock.systemUTC(), ImageGate.SETTLE), downloader, limits,
                context.getBundle(0), () -> cloud, () -> runtimes, SelfUpdateSite.of(context));
        keys.problems().forEach(problem -> LOG.error("OTA: {} of {}; that key is not trusted", problem, PID));
        if (config.allowUnsigned()) {
            LOG.warn("OTA accepts unsigned units (allowUnsigned=true in {}): development only", PID);
        }
        Optional<Job> unfinished = journal.current();
        if (unfinished.isPresent()) {
            Job job = unfinished.get();
            LOG.info("OTA: job {} ({} {}) was at step {} when the gateway stopped; recovering", job.id, job.name,
                    job.version, job.step);
            runner.resume(job);
        }
    }

    /** A bad CA file does not stop OTA: https keeps the JDK's CAs, and /health names the file. */
    private javax.net.ssl.SSLSocketFactory downloadTls(DeployConfig config) {
        try {
            return DownloadTls.trusting(config.downloadCaCertificates());
        } catch (DeployException e) {
            configProblems.add(e.getMessage());
            LOG.error("OTA: {}; https downloads trust the JDK's CAs only", e.getMessage());
            return null;
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
        runner.stop(); // the journal keeps the step: the next start resumes or undoes it
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

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setWorkloads(WorkloadService service) {
        workloads = service;
    }

    void unsetWorkloads(WorkloadService service) {
        if (workloads == service) {
            workloads = null;
        }
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
        return runner.active();
    }

    /** The running job, else the last finished one. */
    Optional<Job> currentOrLast() {
        return runner.currentOrLast();
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

    void submitDownload(Job job) throws Busy {
        job.operation = "download";
        job.step = Job.Step.DOWNLOADING;
        job.startedAt = System.currentTimeMillis();
        runner.submit(job, () -> runner.runDownload(job));
    }

    /** EXEC/install: installs a unit an earlier job downloaded (dp.install=false). */
    void submitInstall(String name, String version, long jobId, String requester) throws Busy, DeployException {
        Optional<Job> running = runner.active();
        if (running.isPresent()) {
            throw new Busy(running.get());
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
        runner.submit(job, () -> runner.runInstall(job));
    }

    void submitUninstall(String name, long jobId, String requester) throws Busy, DeployException {
        InstalledUnits.Unit unit = installed.get(name).orElseThrow(() -> new DeployException("no unit named '" + name
                + "' was installed over the air; GET/packages lists them"));
        Job job = new Job();
        job.id = jobId;
        job.operation = "uninstall";
        job.name = name;
        job.version = unit.version();
        job.requester = requester;
        job.unitType = unit.type();
        job.changes = new ArrayList<>(installed.changesToUndo(name));
        job.step = Job.Step.SWITCHING;
        job.startedAt = System.currentTimeMillis();
        runner.submit(job, () -> runner.runUninstall(job));
    }

    /** DEL/download: stops a running download; returns the job, or empty when none is downloading. */
    Optional<Job> cancelDownload() throws Busy {
        return runner.cancelDownload();
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
        details.put("digests", Digests.implementation());
        Job running = runner.active().orElse(null);
        if (running != null) {
            details.put("job", running.id + " " + running.operation + " " + running.name + " " + running.step);
        }
        List<String> problems = new ArrayList<>(keys.problems());
        problems.addAll(configProblems);
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
