package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;

import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.BusEndpoint;
import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.RuntimeAvailability;
import io.hybridge.api.workload.RuntimeListener;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

/**
 * The container runtime against the real Docker engine and the authenticated loopback registry
 * (itests/provision/provision.sh). Runs in failsafe against the packaged bundle with the
 * embedded libraries taken off the class path, so it also proves the bundle carries everything
 * these paths need.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerRuntimeEngineTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private TestEngine engine;
    private ContainerRuntime runtime;
    private String gateway;
    private String otherGateway;
    private final Recorder recorder = new Recorder();
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();

    /** What the runtime told its listener, with the local time it arrived. */
    static final class Recorder implements RuntimeListener {
        record Exit(InstanceInfo info, Instant receivedAt) {
        }

        final List<Exit> exits = new CopyOnWriteArrayList<>();
        final List<RuntimeAvailability> availability = new CopyOnWriteArrayList<>();

        @Override
        public void instanceExited(InstanceInfo instance) {
            exits.add(new Exit(instance, Instant.now()));
        }

        @Override
        public void availabilityChanged(RuntimeAvailability now) {
            availability.add(now);
        }

        Exit exitOf(String id) {
            return Waits.until(DEADLINE, "exit of " + id + " reported", () -> exits.stream()
                    .filter(exit -> exit.info().instanceId().equals(id)).findFirst());
        }
    }

    @BeforeAll
    void startEngine() throws Exception {
        engine = TestEngine.start();
        gateway = engine.run;
        otherGateway = engine.run + "-b";
        runtime = new ContainerRuntime(RuntimeSettings.of(TestEngine.ENGINE_URI).withStatsInterval(Duration.ofSeconds(1)));
        closeAtEnd.add(runtime.watch(recorder));
        // the first ping runs off the activating thread
        Waits.until(DEADLINE, "engine available (" + runtime.availability().detail() + ")", () -> runtime.availability().available());
        Waits.until(DEADLINE, "event stream connected", runtime::eventsConnected);
    }

    @AfterAll
    void cleanUp() throws Exception {
        for (AutoCloseable closeable : closeAtEnd) {
            closeable.close();
        }
        if (runtime != null) {
            runtime.deactivate();
        }
        if (engine != null) {
            engine.cleanUp(gateway, otherGateway);
        }
    }

    private Specs busybox(String name, String... command) {
        return Specs.spec(name).image(engine.localImage, PullPolicy.NEVER, "").command(command);
    }

    private InstanceInfo start(String gatewayId, WorkloadSpec spec, Optional<BusEndpoint> bus) throws WorkloadException {
        runtime.prepare(spec, false);
        return runtime.start(new InstanceRequest(gatewayId, spec, "hash-" + spec.name(), 0, bus));
    }

    private InstanceInfo start(WorkloadSpec spec) throws WorkloadException {
        return start(gateway, spec, Optional.empty());
    }

    private static WorkloadException failure(ThrowingCall call) {
        try {
            call.run();
        } catch (WorkloadException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError("expected a WorkloadException, got " + e, e);
        }
        throw new AssertionError("expected a WorkloadException, the call succeeded");
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void engineTestsRunAgainstThePackagedBundle() {
        String location = ContainerRuntime.class.getProtectionDomain().getCodeSource().getLocation().toString();
        assertThat(location).endsWith(".jar");
        assertThat(com.github.dockerjava.api.DockerClient.class.getProtectionDomain().getCodeSource().getLocation().toString())
                .as("docker-java comes from the bundle, not from its own jar").isEqualTo(location);
    }

    @Test
    void availabilityAndHealthNameTheEngine() {
        assertThat(runtime.availability().detail()).matches("Docker \\S+ at unix:///var/run/docker.sock");
        assertThat(runtime.health().status()).isEqualTo(HealthStatus.UP);
        assertThat(runtime.health().details()).containsEntry("events", "connected");
    }

    @Test
    void startRunsTheInstanceWithItsLabelsLimitsMountsAndBusEnvironment() throws Exception {
        WorkloadSpec spec = busybox("limits", "sleep", "60").resources(0.5, 64, 32).readOnly(true)
                .env(Map.of("GREETING", "hello"))
                .volumes(new Volume(VolumeType.TMPFS, "", "/tmp", false, 8))
                .bus(List.of("limits/#"), List.of()).build();
        BusEndpoint bus = new BusEndpoint(1883, "wl-limits", "pw-123", "limits-0");
        InstanceInfo info = start(gateway, spec, Optional.of(bus));
        assertThat(info.state()).isEqualTo(InstanceState.RUNNING);
        assertThat(info.workloadName()).isEqualTo("limits");
        assertThat(info.specHash()).isEqualTo("hash-limits");
        assertThat(info.startedAt()).isNotNull();

        InspectContainerResponse container = engine.docker.inspectContainerCmd(info.instanceId()).exec();
        assertThat(container.getName()).isEqualTo("/hb-" + gateway + "-limits-0");
        assertThat(container.getConfig().getLabels()).containsEntry("io.hybridge.managed", "true")
                .containsEntry("io.hybridge.gateway", gateway).containsEntry("io.hybridge.workload", "limits")
                .containsEntry("io.hybridge.replica", "0").containsEntry("io.hybridge.spec-hash", "hash-limits");
        assertThat(container.getConfig().getEnv()).contains("GREETING=hello", "MQTT_URI=tcp://host.docker.internal:1883",
                "MQTT_USERNAME=wl-limits", "MQTT_PASSWORD=pw-123", "MQTT_CLIENT_ID=limits-0");
        HostConfig host = container.getHostConfig();
        assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(host.getMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(host.getMemorySwap()).isEqualTo(64L * 1024 * 1024);
        assertThat(host.getPidsLimit()).isEqualTo(32L);
        assertThat(host.getReadonlyRootfs()).isTrue();
        assertThat(host.getRestartPolicy().getName()).isIn("no", "");
        assertThat(host.getExtraHosts()).containsExactly("host.docker.internal:host-gateway");
        Mount tmp = host.getMounts().get(0);
        assertThat(tmp.getType()).isEqualTo(MountType.TMPFS);
        assertThat(tmp.getTarget()).isEqualTo("/tmp");
        assertThat(tmp.getTmpfsOptions().getSizeBytes()).isEqualTo(8L * 1024 * 1024);
        // the read-only root and the writable tmpfs hold inside the running container
        assertThat(TestEngine.exec(DEADLINE, "docker", "exec", info.instanceId(), "/bin/busybox", "sh", "-c",
                "touch /x 2>/dev/null && echo root-writable; touch /tmp/x && echo tmp-writable; grep -q host.docker.internal /etc/hosts && echo host-known")
                .output()).contains("tmp-writable", "host-known").doesNotContain("root-writable");
        runtime.remove(info.instanceId());
    }

    @Test
    void anExitIsReportedFromTheEventStreamAtOnceWithItsCode() throws Exception {
        InstanceInfo info = start(busybox("exit3", "sh", "-c", "sleep 0.3; exit 3").build());
        Recorder.Exit exit = recorder.exitOf(info.instanceId());
        assertThat(exit.info().exitCode()).isEqualTo(3);
        assertThat(exit.info().oomKilled()).isFalse();
        assertThat(exit.info().state()).isEqualTo(InstanceState.EXITED);
        assertThat(exit.info().workloadName()).isEqualTo("exit3");
        Instant finished = engine.docker.inspectContainerCmd(info.instanceId()).exec().getState().getFinishedAt() == null ? null
                : Instant.parse(engine.docker.inspectContainerCmd(info.instanceId()).exec().getState().getFinishedAt());
        Duration latency = Duration.between(finished, exit.receivedAt());
        System.out.printf("[engine-test] exit event latency (engine FinishedAt -> listener): %d ms%n", latency.toMillis());
        assertThat(latency).isLessThan(Duration.ofSeconds(1));
        assertThat(runtime.inspect(info.instanceId()).orElseThrow().exitCode()).isEqualTo(3);
        runtime.remove(info.instanceId());
    }

    @Test
    void anOutOfMemoryKillIsReportedAsSuch() throws Exception {
        // the string doubles until the 8 MiB limit (no swap) kills the shell
        InstanceInfo info = start(busybox("oom", "sh", "-c", "x=0123456789abcdef; while true; do x=$x$x; done")
                .resources(0, 8, 0).build());
        Recorder.Exit exit = recorder.exitOf(info.instanceId());
        assertThat(exit.info().oomKilled()).isTrue();
        assertThat(exit.info().exitCode()).isEqualTo(137);
        runtime.remove(info.instanceId());
    }

    @Test
    void stopEndsTheInstanceAfterTheGraceAndRemoveTakesItAway() throws Exception {
        // busybox sleep as PID 1 ignores SIGTERM: the engine must kill it after the grace
        InstanceInfo info = start(busybox("stop", "sleep", "60").build());
        long started = System.nanoTime();
        runtime.stop(info.instanceId(), Duration.ofSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(10));
        InstanceInfo stopped = runtime.inspect(info.instanceId()).orElseThrow();
        assertThat(stopped.state()).isEqualTo(InstanceState.EXITED);
        assertThat(stopped.exitCode()).isEqualTo(137);
        runtime.stop(info.instanceId(), Duration.ofSeconds(1)); // already stopped: no error

        runtime.remove(info.instanceId());
        assertThat(runtime.inspect(info.instanceId())).isEmpty();
        runtime.remove(info.instanceId()); // already gone: no error
        assertThat(failure(() -> runtime.stop(info.instanceId(), Duration.ZERO)).reason()).isEqualTo(Reason.NOT_FOUND);
    }

    @Test
    void instancesAreOnlyTheGatewaysOwnInEveryState() throws Exception {
        InstanceInfo mine = start(busybox("mine", "sleep", "60").build());
        InstanceInfo done = start(busybox("done", "true").build());
        InstanceInfo theirs = start(otherGateway, busybox("theirs", "sleep", "60").build(), Optional.empty());
        recorder.exitOf(done.instanceId());
        List<InstanceInfo> instances = runtime.instances(gateway);
        assertThat(instances).extracting(InstanceInfo::instanceId).contains(mine.instanceId(), done.instanceId())
                .doesNotContain(theirs.instanceId());
        assertThat(instances).filteredOn(instance -> instance.instanceId().equals(done.instanceId()))
                .singleElement().satisfies(instance -> assertThat(instance.state()).isEqualTo(InstanceState.EXITED));
        assertThat(runtime.instances(otherGateway)).extracting(InstanceInfo::instanceId).containsExactly(theirs.instanceId());
        for (InstanceInfo info : List.of(mine, done, theirs)) {
            runtime.remove(info.instanceId());
        }
    }

    @Test
    void aLeftoverOfThisGatewayIsReplacedButAForeignContainerWithTheNameIsLeftAlone() throws Exception {
        InstanceInfo first = start(busybox("again", "sleep", "60").build());
        InstanceInfo second = start(busybox("again", "sleep", "60").build());
        assertThat(second.instanceId()).isNotEqualTo(first.instanceId());
        assertThat(runtime.inspect(first.instanceId())).isEmpty();
        runtime.remove(second.instanceId());

        String name = "hb-" + gateway + "-foreign-0";
        String foreign = TestEngine.docker("create", "--name", name, engine.localImage, "true").strip();
        try {
            WorkloadException e = failure(() -> start(busybox("foreign", "true").build()));
            assertThat(e.reason()).isEqualTo(Reason.START_FAILED);
            assertThat(e.getMessage()).contains("a container named " + name + " exists", "did not make");
            assertThat(engine.docker.inspectContainerCmd(foreign).exec().getId()).isEqualTo(foreign);
        } finally {
            TestEngine.docker("rm", "-f", foreign);
        }
    }

    @Test
    void logsTailBothStreamsAndFollowDeliversNewLines() throws Exception {
        InstanceInfo info = start(busybox("logs", "sh", "-c", "for i in 1 2 3 4 5; do echo out$i; echo err$i >&2; done").build());
        recorder.exitOf(info.instanceId());
        // the engine keeps stdout and stderr in one log, but not necessarily in the order they were written
        List<String> all = runtime.logs(info.instanceId(), 100);
        assertThat(all).containsExactlyInAnyOrder("out1", "out2", "out3", "out4", "out5", "err1", "err2", "err3", "err4", "err5");
        List<String> tail = runtime.logs(info.instanceId(), 4);
        assertThat(tail).containsExactlyElementsOf(all.subList(6, 10));
        runtime.remove(info.instanceId());

        InstanceInfo talker = start(busybox("follow", "sh", "-c", "i=0; while [ $i -lt 100 ]; do echo line$i; i=$((i+1)); sleep 0.05; done").build());
        List<String> followed = Collections.synchronizedList(new ArrayList<>());
        AutoCloseable handle = runtime.followLogs(talker.instanceId(), followed::add);
        Waits.until(DEADLINE, "five followed lines", () -> followed.size() >= 5);
        handle.close();
        int afterClose = followed.size();
        assertThat(followed).allMatch(line -> line.matches("line\\d+"));
        // lines are consecutive: nothing lost or split inside the stream
        int first = Integer.parseInt(followed.get(0).substring(4));
        for (int i = 0; i < afterClose; i++) {
            assertThat(followed.get(i)).isEqualTo("line" + (first + i));
        }
        runtime.remove(talker.instanceId());
    }

    @Test
    void usageIsSampledInTheBackground() throws Exception {
        InstanceInfo info = start(busybox("usage", "sh", "-c", "while true; do :; done").resources(0.2, 32, 16).build());
        assertThat(runtime.usage(info.instanceId())).as("never sampled on the caller's thread").isEmpty();
        ResourceUsage usage = Waits.until(Duration.ofSeconds(30), "a usage sample", () -> runtime.usage(info.instanceId()));
        assertThat(usage.memoryBytes()).isPositive();
        assertThat(usage.memoryLimitBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(usage.pids()).isBetween(1, 16);
        ResourceUsage busy = Waits.until(Duration.ofSeconds(30), "a sample showing the busy loop",
                () -> runtime.usage(info.instanceId()).filter(sample -> sample.cpuPercent() > 5));
        assertThat(busy.cpuPercent()).as("limited to 0.2 CPUs").isLessThan(40);
        runtime.remove(info.instanceId());
        assertThat(runtime.usage(info.instanceId())).isEmpty();
    }

    @Test
    void aPinnedDigestIsPulledFromTheAuthenticatedRegistryAndVerified() throws Exception {
        String pinned = TestEngine.REGISTRY + "/hybridge-test/busybox@" + engine.pushedDigest;
        engine.removeImage(pinned);
        engine.removeImage(engine.registryImage);
        assertThatThrownBy(() -> engine.docker.inspectImageCmd(engine.registryImage).exec())
                .as("the registry's tag is not on the engine before the pull")
                .isInstanceOf(com.github.dockerjava.api.exception.NotFoundException.class);
        RegistryCredential account = new RegistryCredential(TestEngine.REGISTRY, TestEngine.REGISTRY_USER, TestEngine.REGISTRY_PASSWORD);
        runtime.addCredential(account);
        try {
            runtime.prepare(Specs.spec("pinned").image(pinned).build(), false);
            InspectImageResponse image = engine.docker.inspectImageCmd(pinned).exec();
            assertThat(image.getRepoDigests()).contains(pinned);
            InstanceInfo info = runtime.start(new InstanceRequest(gateway, Specs.spec("pinned").image(pinned).command("true").build(),
                    "h", 0, Optional.empty()));
            assertThat(engine.docker.inspectContainerCmd(info.instanceId()).exec().getConfig().getImage()).isEqualTo(pinned);
            runtime.remove(info.instanceId());
        } finally {
            runtime.removeCredential(account);
            engine.removeImage(pinned);
        }
    }

    @Test
    void missingOrWrongCredentialsAreRegistryAuth() {
        String reference = TestEngine.REGISTRY + "/hybridge-test/busybox:" + engine.run;
        WorkloadSpec always = Specs.spec("auth").image(reference, PullPolicy.ALWAYS, "").build();
        WorkloadException none = failure(() -> runtime.prepare(always, false));
        assertThat(none.reason()).isEqualTo(Reason.REGISTRY_AUTH);
        assertThat(none.getMessage()).contains(TestEngine.REGISTRY + " refused the credentials");
        RegistryCredential wrong = new RegistryCredential(TestEngine.REGISTRY, TestEngine.REGISTRY_USER, "not-the-password");
        runtime.addCredential(wrong);
        try {
            WorkloadException refused = failure(() -> runtime.prepare(always, true));
            assertThat(refused.reason()).isEqualTo(Reason.REGISTRY_AUTH);
            assertThat(refused.getMessage()).contains("unauthorized");
        } finally {
            runtime.removeCredential(wrong);
        }
    }

    @Test
    void aDigestOrTagTheRegistryDoesNotHaveIsImageNotFound() {
        RegistryCredential account = new RegistryCredential(TestEngine.REGISTRY, TestEngine.REGISTRY_USER, TestEngine.REGISTRY_PASSWORD);
        runtime.addCredential(account);
        try {
            String absent = TestEngine.REGISTRY + "/hybridge-test/busybox@sha256:" + "0".repeat(64);
            WorkloadException digest = failure(() -> runtime.prepare(Specs.spec("d").image(absent).build(), false));
            assertThat(digest.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
            assertThat(digest.getMessage()).contains("has no manifest sha256:0000");
            WorkloadException repository = failure(() -> runtime.prepare(Specs.spec("r")
                    .image(TestEngine.REGISTRY + "/hybridge-test/no-such-image:1").build(), false));
            assertThat(repository.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
        } finally {
            runtime.removeCredential(account);
        }
    }

    @Test
    void aRegistryThatDoesNotAnswerIsRegistryUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        WorkloadException e = failure(() -> runtime.prepare(Specs.spec("down").image("127.0.0.1:" + closedPort + "/x/y:1").build(), false));
        assertThat(e.reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
        assertThat(e.getMessage()).contains("connection refused");
    }

    @Test
    void anUnknownImageWithoutRegistryIsNeverPulledFromAPublicOne() {
        WorkloadException e = failure(() -> runtime.prepare(Specs.spec("unknown").image("hybridge-test/nothing-here:" + engine.run).build(), false));
        assertThat(e.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
        assertThat(e.getMessage()).contains("never pulls from a public registry");
        WorkloadException never = failure(() -> runtime.prepare(Specs.spec("unknown")
                .image("hybridge-test/nothing-here:" + engine.run, PullPolicy.NEVER, "").build(), false));
        assertThat(never.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
        assertThat(never.getMessage()).contains("pullPolicy is never");
        WorkloadException start = failure(() -> runtime.start(new InstanceRequest(gateway, Specs.spec("unknown")
                .image("hybridge-test/nothing-here:" + engine.run).build(), "h", 0, Optional.empty())));
        assertThat(start.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
    }

    @Test
    void anArchiveIsLoadedWhenTheImageIsAbsentAndCheckedForWhatItHolds() throws Exception {
        String archived = engine.tag("busybox-archive");
        Path tar = engine.work.resolve("busybox.tar");
        TestEngine.docker("save", "-o", tar.toString(), archived);
        engine.removeImage(archived);
        WorkloadSpec spec = Specs.spec("archive").image(archived, PullPolicy.NEVER, tar.toString()).command("true").build();
        runtime.prepare(spec, false);
        assertThat(engine.docker.inspectImageCmd(archived).exec().getId()).isNotEmpty();
        InstanceInfo info = runtime.start(new InstanceRequest(gateway, spec, "h", 0, Optional.empty()));
        runtime.remove(info.instanceId());

        WorkloadException other = failure(() -> runtime.prepare(Specs.spec("archive")
                .image("hybridge-test/something-else:" + engine.run, PullPolicy.NEVER, tar.toString()).build(), false));
        assertThat(other.reason()).isEqualTo(Reason.IMAGE_INVALID);
        assertThat(other.getMessage()).contains("holds " + archived, "not hybridge-test/something-else");

        Path garbage = engine.work.resolve("garbage.tar");
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        Files.write(garbage, noise);
        String absent = "hybridge-test/from-garbage:" + engine.run;
        WorkloadException corrupt = failure(() -> runtime.prepare(Specs.spec("g").image(absent, PullPolicy.NEVER, garbage.toString()).build(), false));
        assertThat(corrupt.reason()).isEqualTo(Reason.IMAGE_INVALID);
        assertThat(corrupt.getMessage()).contains(garbage.toString(), "invalid tar header");

        Path truncated = engine.work.resolve("truncated.tar");
        byte[] whole = Files.readAllBytes(tar);
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 3));
        WorkloadException cut = failure(() -> runtime.prepare(Specs.spec("t").image(absent, PullPolicy.NEVER, truncated.toString()).build(), false));
        assertThat(cut.reason()).isEqualTo(Reason.IMAGE_INVALID);

        WorkloadException missing = failure(() -> runtime.prepare(Specs.spec("m")
                .image(absent, PullPolicy.NEVER, engine.work.resolve("nope.tar").toString()).build(), false));
        assertThat(missing.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
    }

    @Test
    void aTakenHostPortIsPortInUseNamingThePortAndLeavesNothingBehind() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            WorkloadException e = failure(() -> start(busybox("port", "sleep", "60").ports(new Port("", port, 80, "tcp")).build()));
            assertThat(e.reason()).isEqualTo(Reason.PORT_IN_USE);
            assertThat(e.getMessage()).contains("host port " + port);
        }
        assertThat(runtime.instances(gateway)).noneMatch(instance -> instance.workloadName().equals("port"));
    }

    @Test
    void aMissingDeviceIsDeviceMissingNamingIt() {
        WorkloadException e = failure(() -> start(busybox("device", "true")
                .devices(new Device("/dev/hybridge-no-such-device", null, null)).build()));
        assertThat(e.reason()).isEqualTo(Reason.DEVICE_MISSING);
        assertThat(e.getMessage()).contains("device /dev/hybridge-no-such-device does not exist");
    }

    @Test
    void moreMemoryThanTheMachineHasIsInsufficientResources() {
        WorkloadException e = failure(() -> start(busybox("huge", "true").resources(0, 16L * 1024 * 1024, 0).build()));
        assertThat(e.reason()).isEqualTo(Reason.INSUFFICIENT_RESOURCES);
        assertThat(e.getMessage()).contains("resources.memoryMiB 16777216");
    }

    @Test
    void anEngineThatIsNotThereIsUnavailableWithTheReasonAndEveryCallSaysSo() throws Exception {
        Path socket = engine.work.resolve("no-engine.sock");
        ContainerRuntime absent = new ContainerRuntime(RuntimeSettings.of("unix://" + socket));
        try {
            Waits.until(DEADLINE, "the first ping's verdict", () -> !absent.availability().detail().endsWith("not asked yet"));
            assertThat(absent.availability().available()).isFalse();
            assertThat(absent.availability().detail()).startsWith("engine not reachable at unix://" + socket + ": ")
                    .endsWith("; start dockerd or set engineUri");
            assertThat(absent.health().status()).isEqualTo(HealthStatus.DEGRADED);
            WorkloadException e = failure(() -> absent.start(new InstanceRequest(gateway, busybox("x", "true").build(), "h", 0, Optional.empty())));
            assertThat(e.reason()).isEqualTo(Reason.ENGINE_UNAVAILABLE);
            assertThat(e.getMessage()).contains("unix://" + socket);
            assertThat(failure(() -> absent.instances(gateway)).reason()).isEqualTo(Reason.ENGINE_UNAVAILABLE);
        } finally {
            absent.deactivate();
        }
    }

    @Test
    void anEngineThatGoesAndComesBackIsReportedBothWaysAndExitsAreSeenAgain() throws Exception {
        Path socket = engine.work.resolve("proxy.sock");
        SocketProxy proxy = new SocketProxy(socket, Path.of("/var/run/docker.sock"));
        Recorder seen = new Recorder();
        ContainerRuntime viaProxy = new ContainerRuntime(RuntimeSettings.of("unix://" + socket));
        try (AutoCloseable watch = viaProxy.watch(seen)) {
            assertThat(viaProxy.availability().available()).isFalse();
            proxy.open();
            RuntimeAvailability up = Waits.until(Duration.ofSeconds(40), "engine reported back",
                    () -> seen.availability.stream().filter(RuntimeAvailability::available).findFirst());
            assertThat(up.detail()).contains("at unix://" + socket);
            Waits.until(DEADLINE, "event stream connected through the proxy", viaProxy::eventsConnected);

            proxy.close();
            RuntimeAvailability down = Waits.until(DEADLINE, "engine reported gone",
                    () -> seen.availability.stream().filter(a -> !a.available()).findFirst());
            assertThat(down.detail()).contains("engine not reachable at unix://" + socket);

            proxy.open();
            Waits.until(Duration.ofSeconds(40), "engine reported back again",
                    () -> seen.availability.stream().filter(RuntimeAvailability::available).count() == 2);
            Waits.until(DEADLINE, "event stream connected again", viaProxy::eventsConnected);
            InstanceInfo info = viaProxy.start(new InstanceRequest(gateway, busybox("proxied", "sh", "-c", "exit 7").build(), "h", 0, Optional.empty()));
            assertThat(seen.exitOf(info.instanceId()).info().exitCode()).isEqualTo(7);
            viaProxy.remove(info.instanceId());
        } finally {
            viaProxy.deactivate();
            proxy.close();
        }
    }
}
