package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * The agent's start-up recovery in a real Felix: a journal left by a process that died at each
 * step is finished or undone — a switch in progress is rolled back, a switched unit goes through
 * its health gate again, a download resumes from its partial file and installs.
 */
class DeploymentAgentRecoveryTest {

    @TempDir
    Path dir;

    private Framework framework;
    private DeploymentAgent agent;
    private final KeyPair fleet = fleetKey();

    @BeforeEach
    void start() throws Exception {
        framework = new FrameworkFactory().newFramework(Map.of(Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        framework.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.deactivate();
        }
        framework.stop();
        framework.waitForStop(10_000);
    }

    private static KeyPair fleetKey() {
        try {
            return TrustedKeysTest.keyPair();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private final Map<String, Object> settings = new java.util.HashMap<>();

    private DeployConfig config() {
        Map<String, Object> values = new java.util.HashMap<>(Map.of("trustedKeys", new String[] {Base64.getEncoder()
                .encodeToString(fleet.getPublic().getEncoded())}, "healthGateSeconds", 2));
        values.putAll(settings);
        return (DeployConfig) Proxy.newProxyInstance(DeployConfig.class.getClassLoader(), new Class<?>[] {DeployConfig.class},
                (proxy, method, args) -> values.containsKey(method.getName()) ? values.get(method.getName())
                        : method.getDefaultValue());
    }

    private Path state() {
        return dir.resolve("state");
    }

    private DeploymentAgent startAgent() throws Exception {
        agent = new DeploymentAgent(config(), framework.getBundleContext(), state());
        return agent;
    }

    private Job settled(long id) {
        return waitFor("job " + id + " settled", () -> agent.activeJob().isEmpty()
                ? agent.history().stream().filter(job -> job.id == id).findFirst().orElse(null) : null);
    }

    private static <T> T waitFor(String what, Supplier<T> probe) {
        long end = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < end) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            try {
                Thread.sleep(50); // the poll interval of this deadline-bounded wait (20 s) on the agent's state
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    private Path storeJar(String name, String bsn, String version) throws Exception {
        Path jar = Files.createDirectories(state().resolve("store")).resolve(name);
        Files.write(jar, UnitArchiveTest.bundle(bsn, version));
        return jar;
    }

    private Bundle installV1(Path v1) throws Exception {
        try (InputStream in = Files.newInputStream(v1)) {
            Bundle bundle = framework.getBundleContext().installBundle("hybridge-ota:demo/io.example.a", in);
            bundle.start();
            return bundle;
        }
    }

    @Test
    void aSwitchCutByTheProcessDyingIsRolledBack() throws Exception {
        Path v1 = storeJar("v1.jar", "io.example.a", "1.0.0");
        Path v2 = storeJar("v2.jar", "io.example.a", "2.0.0");
        Bundle bundle = installV1(v1);
        try (InputStream in = Files.newInputStream(v2)) {
            bundle.update(in); // Felix had persisted the new revision when the process died
        }
        Job job = new Job();
        job.id = 41;
        job.name = "demo";
        job.version = "2.0.0";
        job.installStatus = Job.IN_PROGRESS;
        job.step = Job.Step.SWITCHING;
        job.changes.add(new BundleChange(bundle.getLocation(), "io.example.a", "2.0.0", v2.toString(), "1.0.0",
                v1.toString(), true));
        new JobJournal(state().resolve("journal"), 20).save(job);

        startAgent();
        Job recovered = settled(41);
        assertThat(recovered.installStatus).isEqualTo(Job.ROLLED_BACK);
        assertThat(recovered.installError).contains("the gateway stopped while switching").contains("previous version restored");
        assertThat(bundle.getVersion().toString()).isEqualTo("1.0.0");
        assertThat(bundle.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(agent.birthMetrics()).containsEntry("deploy.job.last", "41:ROLLED_BACK").containsEntry("deploy.packages", "");
    }

    @Test
    void aSwitchedUnitGoesThroughItsHealthGateAgainAndIsCommitted() throws Exception {
        Path v1 = storeJar("v1.jar", "io.example.a", "1.0.0");
        Path v2 = storeJar("v2.jar", "io.example.a", "2.0.0");
        Bundle bundle = installV1(v1);
        try (InputStream in = Files.newInputStream(v2)) {
            bundle.update(in);
        }
        Job job = new Job();
        job.id = 42;
        job.name = "demo";
        job.version = "2.0.0";
        job.unitType = "bundle";
        job.sha256 = "ab";
        job.installStatus = Job.IN_PROGRESS;
        job.step = Job.Step.SWITCHED;
        job.changes.add(new BundleChange(bundle.getLocation(), "io.example.a", "2.0.0", v2.toString(), "1.0.0",
                v1.toString(), true));
        new JobJournal(state().resolve("journal"), 20).save(job);

        startAgent();
        assertThat(settled(42).installStatus).isEqualTo(Job.COMPLETED);
        assertThat(bundle.getVersion().toString()).isEqualTo("2.0.0");
        assertThat(agent.installedUnits()).extracting(InstalledUnits.Unit::version).containsExactly("2.0.0");
        assertThat(agent.birthMetrics()).containsEntry("deploy.packages", "demo@2.0.0");
    }

    @Test
    void anImageLoadCutByTheProcessDyingPointsTheMovedNameBackAndRestartsItsWorkload() throws Exception {
        Map<String, String> names = new java.util.concurrent.ConcurrentHashMap<>(Map.of("vision:1", "sha256:new",
                "other:1", "sha256:other"));
        ImageGateTest.FakeWorkloads workloads = new ImageGateTest.FakeWorkloads();
        workloads.add("cam", io.hybridge.api.workload.RuntimeType.CONTAINER, "vision:1");
        workloads.add("meter", io.hybridge.api.workload.RuntimeType.CONTAINER, "other:1");
        Job job = new Job();
        job.id = 44;
        job.name = "vision-image";
        job.version = "2";
        job.unitType = "workload-image";
        job.installStatus = Job.IN_PROGRESS;
        job.step = Job.Step.SWITCHING; // the load had begun: which names it moved was not recorded yet
        job.imageRuntime = "container";
        job.imagesBefore.put("vision:1", "sha256:old");
        job.imagesBefore.put("other:1", "sha256:other");
        new JobJournal(state().resolve("journal"), 20).save(job);

        startAgent();
        agent.setWorkloads(workloads);
        agent.addRuntime(ImageGateTest.runtime(names, io.hybridge.api.workload.RuntimeType.CONTAINER));
        Job recovered = settled(44);

        assertThat(recovered.installStatus).isEqualTo(Job.ROLLED_BACK);
        assertThat(recovered.installError).contains("the gateway stopped while loading image vision-image 2")
                .contains("previous image restored for [vision:1]");
        assertThat(names).containsEntry("vision:1", "sha256:old").containsEntry("other:1", "sha256:other");
        assertThat(workloads.restarted).containsExactly("cam");
    }

    @Test
    void aDownloadCutByTheProcessDyingResumesAndInstalls() throws Exception {
        byte[] unit = UnitArchiveTest.bundle("io.example.b", "1.0.0");
        try (RangeServer server = new RangeServer(unit)) {
            Path part = Files.createDirectories(state().resolve("downloads")).resolve("43.part");
            Files.write(part, java.util.Arrays.copyOf(unit, unit.length / 2));
            byte[] digest = TrustedKeys.sha256(unit);
            Job job = new Job();
            job.id = 43;
            job.name = "b";
            job.version = "1.0.0";
            job.uri = server.uri("b.jar").toString();
            job.hash = "SHA-256:" + HexFormat.of().formatHex(digest);
            job.signature = TrustedKeysTest.sign(fleet, digest);
            job.install = true;
            job.downloadStatus = Job.IN_PROGRESS;
            job.step = Job.Step.DOWNLOADING;
            new JobJournal(state().resolve("journal"), 20).save(job);

            startAgent();
            Job recovered = settled(43);
            assertThat(recovered.downloadStatus).isEqualTo(Job.COMPLETED);
            assertThat(recovered.installStatus).as(String.valueOf(recovered.error())).isEqualTo(Job.COMPLETED);
            assertThat(server.rangeRequests.get()).isEqualTo(1);
            Optional<Bundle> installed = new BundleSwitch(framework.getBundleContext(), null).installed("io.example.b");
            assertThat(installed).get().extracting(Bundle::getState).isEqualTo(Bundle.ACTIVE);
            assertThat(part).doesNotExist();
        }
    }

    @Test
    void withNothingToRecoverTheAgentIsIdleAndUp() throws Exception {
        startAgent();
        assertThat(agent.health().status()).isEqualTo(io.hybridge.api.health.HealthStatus.UP);
        assertThat(agent.birthMetrics()).containsEntry("deploy.unsigned.allowed", false).doesNotContainKey("deploy.job.last");
        assertThat(List.copyOf(agent.history())).isEmpty();
    }

    @Test
    void acceptingUnsignedUnitsMakesTheSubsystemDegradedWithTheReason() throws Exception {
        settings.put("allowUnsigned", true);
        startAgent();
        assertThat(agent.health().status()).isEqualTo(io.hybridge.api.health.HealthStatus.DEGRADED);
        assertThat(agent.health().message()).contains("unsigned units are accepted").contains("development only");
        assertThat(agent.birthMetrics()).containsEntry("deploy.unsigned.allowed", true);
    }
}
