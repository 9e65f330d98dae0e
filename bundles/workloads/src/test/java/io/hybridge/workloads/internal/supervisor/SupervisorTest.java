package io.hybridge.workloads.internal.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.RuntimeAvailability;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.HealthCheck;
import io.hybridge.api.workload.WorkloadSpec.HealthCheckType;
import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;
import io.hybridge.config.internal.FakeConfigurationAdmin;

/** The supervisor's decisions against an in-memory runtime; the Docker end-to-end tests live in itests. */
class SupervisorTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String GATEWAY = "gw-test";

    @TempDir
    Path state;
    private final FakeRuntime runtime = new FakeRuntime();
    private final FakeConfigurationAdmin configAdmin = new FakeConfigurationAdmin();
    private Supervisor supervisor;

    @BeforeEach
    void start() throws Exception {
        supervisor = new Supervisor(config(GATEWAY), state, configAdmin);
    }

    @AfterEach
    void stop() {
        supervisor.deactivate();
    }

    static SupervisorConfig config(String gatewayId) {
        return new SupervisorConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return SupervisorConfig.class;
            }

            @Override
            public String gatewayId() {
                return gatewayId;
            }

            @Override
            public double stopGraceSeconds() {
                return 1;
            }
        };
    }

    static RestartPolicy fastPolicy(RestartMode mode, int crashLoopLimit) {
        return new RestartPolicy(mode, Duration.ofMillis(20), Duration.ofMillis(100), 2.0, crashLoopLimit, Duration.ofSeconds(60));
    }

    static WorkloadSpec spec(String name, String image, int replicas, RestartPolicy policy, HealthCheck health) {
        return new WorkloadSpec(name, "", RuntimeType.CONTAINER, new WorkloadSpec.Image(image, null, null), null, null,
                Map.of(), null, null, null, null, false, policy, health, null, replicas, null, null);
    }

    static WorkloadSpec spec(String name) {
        return spec(name, "127.0.0.1:15000/test/app:1", 1, fastPolicy(RestartMode.ON_FAILURE, 3), null);
    }

    private WorkloadStatus awaitState(String name, WorkloadState state) {
        await(() -> supervisor.status(name).map(s -> s.state() == state).orElse(false),
                () -> name + " to be " + state.id() + "; it is " + supervisor.status(name).orElse(null));
        return supervisor.status(name).orElseThrow();
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting for " + what.get());
            }
            Thread.onSpinWait();
            try {
                Thread.sleep(2); // polling interval of a deadline-bounded wait on another thread's state
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void startsADesiredWorkloadAndReportsItRunningWithUsage() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app"), "h1", "config");

        WorkloadStatus status = awaitState("app", WorkloadState.RUNNING);
        assertThat(runtime.starts).hasSize(1);
        assertThat(runtime.starts.get(0).gatewayId()).isEqualTo(GATEWAY);
        assertThat(runtime.starts.get(0).specHash()).isEqualTo("h1");
        assertThat(status.replicas()).singleElement().satisfies(r -> {
            assertThat(r.healthy()).isTrue();
            assertThat(r.usage()).isNotNull();
        });
        assertThat(supervisor.health().status()).isEqualTo(HealthStatus.UP);
        assertThat(supervisor.logs("app", 10)).singleElement().asString().startsWith("line from ");
    }

    @Test
    void aFailedExitIsRestartedAfterTheBackoff() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app"), "h1", "config");
        awaitState("app", WorkloadState.RUNNING);
        String first = runtime.starts.size() == 1 ? runtime.running("app").get(0).instanceId() : null;

        runtime.exit(first, 1);

        await(() -> runtime.starts.size() == 2 && supervisor.status("app").orElseThrow().state() == WorkloadState.RUNNING,
                () -> "a restart; status " + supervisor.status("app"));
        WorkloadStatus status = supervisor.status("app").orElseThrow();
        assertThat(status.restarts()).isEqualTo(1);
        assertThat(status.lastExit().code()).isEqualTo(1);
        assertThat(status.lastExit().reason()).isEqualTo("exit 1");
        assertThat(runtime.removed).contains(first);
        assertThat(runtime.running("app")).hasSize(1);
    }

    @Test
    void exitsAreSeenWhenTheRuntimeReusesTheInstanceIdForTheNextIncarnation() {
        runtime.idsByName = true;
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app"), "h1", "config");
        awaitState("app", WorkloadState.RUNNING);
        String id = runtime.running("app").get(0).instanceId();

        runtime.exit(id, 1);
        await(() -> runtime.starts.size() == 2 && runtime.running("app").size() == 1, () -> "the first restart");
        assertThat(runtime.running("app").get(0).instanceId()).isEqualTo(id);
        runtime.exit(id, 1);

        await(() -> runtime.starts.size() == 3 && supervisor.status("app").orElseThrow().restarts() == 2,
                () -> "the second exit seen and restarted; status " + supervisor.status("app"));
    }

    @Test
    void aCrashLoopStopsAtTheLimitUntilAnOperatorRestartsIt() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app"), "h1", "config");
        for (int run = 1; run <= 3; run++) {
            int startsSoFar = run;
            await(() -> runtime.starts.size() == startsSoFar && runtime.running("app").size() == 1, () -> "run " + startsSoFar);
            runtime.exit(runtime.running("app").get(0).instanceId(), 2);
        }
        WorkloadStatus looping = awaitState("app", WorkloadState.CRASH_LOOP);
        assertThat(looping.message()).contains("failed 3 times in a row").contains("exit 2");
        assertThat(runtime.starts).hasSize(3);
        assertThat(supervisor.health().status()).isEqualTo(HealthStatus.DEGRADED);

        assertThat(supervisor.restart("app")).isTrue();
        awaitState("app", WorkloadState.RUNNING);
        assertThat(runtime.starts).hasSize(4);
    }

    @Test
    void aSuccessfulExitUnderOnFailureCompletes() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("job"), "h1", "config");
        awaitState("job", WorkloadState.RUNNING);
        runtime.exit(runtime.running("job").get(0).instanceId(), 0);
        awaitState("job", WorkloadState.COMPLETED);
        assertThat(runtime.starts).hasSize(1);
    }

    @Test
    void reconcileAdoptsMatchingInstancesRecreatesDriftedOnesAndRemovesOrphans() throws Exception {
        InstanceInfo adoptable = runtime.existing(GATEWAY, "keep", 0, "hk", InstanceState.RUNNING);
        InstanceInfo drifted = runtime.existing(GATEWAY, "drift", 0, "old-hash", InstanceState.RUNNING);
        InstanceInfo orphan = runtime.existing(GATEWAY, "gone", 0, "hg", InstanceState.RUNNING);
        InstanceInfo otherGateways = runtime.existing("other-gw", "gone", 0, "hg", InstanceState.RUNNING);
        configAdmin.putFactory("io.hybridge.workload", "keep", Map.of("name", "keep"));
        configAdmin.putFactory("io.hybridge.workload", "drift", Map.of("name", "drift"));

        supervisor.desire(spec("keep"), "hk", "config");
        supervisor.desire(spec("drift"), "hd", "config");
        supervisor.addRuntime(runtime);

        awaitState("keep", WorkloadState.RUNNING);
        awaitState("drift", WorkloadState.RUNNING);
        await(() -> !runtime.instances.containsKey(orphan.instanceId()), () -> "the orphan to be removed");
        assertThat(runtime.instances).containsKey(adoptable.instanceId()).containsKey(otherGateways.instanceId());
        assertThat(runtime.instances).doesNotContainKey(drifted.instanceId());
        assertThat(runtime.starts).extracting(r -> r.spec().name()).containsExactly("drift");
        assertThat(supervisor.status("keep").orElseThrow().replicas().get(0).instanceId()).isEqualTo(adoptable.instanceId());
        assertThat(runtime.running("drift")).singleElement().extracting(InstanceInfo::specHash).isEqualTo("hd");
    }

    @Test
    void anInstanceThatExitedWhileTheGatewayWasDownIsJudgedByItsPolicy() {
        runtime.existing(GATEWAY, "app", 0, "h1", InstanceState.EXITED);
        supervisor.desire(spec("app"), "h1", "config");
        supervisor.addRuntime(runtime);
        awaitState("app", WorkloadState.RUNNING);
        assertThat(runtime.starts).hasSize(1);
        assertThat(runtime.instances.values()).filteredOn(i -> i.workloadName().equals("app")).hasSize(1);
    }

    @Test
    void engineUnavailableIsReportedAndTheWorkloadStartsWhenItReturns() {
        runtime.availability = RuntimeAvailability.down("engine not reachable at unix:///nowhere");
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app"), "h1", "config");
        WorkloadStatus waiting = awaitState("app", WorkloadState.ENGINE_UNAVAILABLE);
        assertThat(waiting.message()).contains("unix:///nowhere");

        runtime.setAvailability(RuntimeAvailability.up("back"));
        awaitState("app", WorkloadState.RUNNING);
        assertThat(runtime.starts).hasSize(1);
    }

    @Test
    void noRuntimeInstalledIsEngineUnavailable() {
        supervisor.desire(spec("app"), "h1", "config");
        assertThat(awaitState("app", WorkloadState.ENGINE_UNAVAILABLE).message()).contains("no container runtime");
    }

    @Test
    void anImageThatCannotBeFoundFailsThatWorkloadOnly() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("fine"), "h1", "config");
        awaitState("fine", WorkloadState.RUNNING);
        runtime.prepareFailure = new WorkloadException(Reason.IMAGE_NOT_FOUND, "image 127.0.0.1:15000/nope:1 not found");
        supervisor.desire(spec("broken", "127.0.0.1:15000/nope:1", 1, fastPolicy(RestartMode.ON_FAILURE, 3), null), "h2", "cloud");

        WorkloadStatus broken = awaitState("broken", WorkloadState.FAILED);
        assertThat(broken.message()).contains("image-not-found").contains("127.0.0.1:15000/nope:1");
        assertThat(supervisor.status("fine").orElseThrow().state()).isEqualTo(WorkloadState.RUNNING);
    }

    @Test
    void aTakenPortBacksOffAndNamesTheProblem() {
        supervisor.addRuntime(runtime);
        runtime.startFailure = new WorkloadException(Reason.PORT_IN_USE, "host port 8080/tcp is already in use");
        supervisor.desire(spec("web"), "h1", "config");
        await(() -> supervisor.status("web").map(s -> s.message().contains("port-in-use")).orElse(false),
                () -> "the port problem in the status: " + supervisor.status("web"));
        runtime.startFailure = null;
        awaitState("web", WorkloadState.RUNNING);
    }

    @Test
    void scalingDownKeepsReplicaZeroAndRemovesTheRest() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app", "127.0.0.1:15000/a:1", 2, fastPolicy(RestartMode.ON_FAILURE, 3), null), "h1", "config");
        await(() -> supervisor.status("app").orElseThrow().replicas().stream()
                .filter(r -> r.state() == WorkloadState.RUNNING).count() == 2, () -> "two replicas running");
        String replicaZero = supervisor.status("app").orElseThrow().replicas().get(0).instanceId();

        supervisor.desire(spec("app", "127.0.0.1:15000/a:1", 1, fastPolicy(RestartMode.ON_FAILURE, 3), null), "h1", "config");
        await(() -> runtime.running("app").size() == 1, () -> "one replica");
        assertThat(runtime.running("app").get(0).instanceId()).isEqualTo(replicaZero);
        assertThat(runtime.starts).hasSize(2);
    }

    @Test
    void removingAWorkloadRemovesItsInstances() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app"), "h1", "config");
        awaitState("app", WorkloadState.RUNNING);
        supervisor.undesire("app");
        await(() -> runtime.instances.isEmpty(), () -> "no instances");
        assertThat(supervisor.status("app")).isEmpty();
    }

    @Test
    void aRefusedChangeKeepsTheSpecInForceAndSaysWhy() {
        supervisor.addRuntime(runtime);
        supervisor.desire(spec("app"), "h1", "config");
        awaitState("app", WorkloadState.RUNNING);
        supervisor.refuse("app", "config", "resources.memoryMiB: -5 is negative");
        await(() -> supervisor.status("app").orElseThrow().message().contains("last change refused: resources.memoryMiB"),
                () -> "the refusal in the status");
        assertThat(supervisor.status("app").orElseThrow().state()).isEqualTo(WorkloadState.RUNNING);
        assertThat(runtime.starts).hasSize(1);

        supervisor.refuse("new", "config", "image: missing");
        assertThat(supervisor.status("new").orElseThrow().state()).isEqualTo(WorkloadState.FAILED);
    }

    @Test
    void aTcpHealthCheckMakesAWorkloadHealthyAndRestartsItWhenThePortCloses() throws Exception {
        supervisor.addRuntime(runtime);
        try (ServerSocket server = new ServerSocket(0)) {
            HealthCheck tcp = new HealthCheck(HealthCheckType.TCP, server.getLocalPort(), "", Duration.ofMillis(30),
                    Duration.ofMillis(200), Duration.ZERO, 2);
            supervisor.desire(spec("web", "127.0.0.1:15000/web:1", 1, fastPolicy(RestartMode.ON_FAILURE, 5), tcp), "h1", "config");
            assertThat(awaitState("web", WorkloadState.RUNNING).replicas().get(0).healthy()).isTrue();
        }
        // the port is closed now: two failed checks make it unhealthy and the policy restarts it
        await(() -> supervisor.status("web").orElseThrow().restarts() >= 1,
                () -> "a restart after failed health checks; " + supervisor.status("web"));
        assertThat(runtime.starts.size()).isGreaterThanOrEqualTo(2);
        assertThat(supervisor.status("web").orElseThrow().lastExit()).isNull();
    }

    /** A bus that hands messages to its subscribers when the test says so. */
    static final class TestBus implements io.hybridge.api.bus.LocalBus {
        final Map<String, io.hybridge.api.bus.BusListener> listeners = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public java.util.concurrent.CompletionStage<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
            io.hybridge.api.bus.BusListener listener = listeners.get(topic);
            if (listener != null) {
                listener.onMessage(new io.hybridge.api.bus.BusMessage(topic, payload, qos, retain, BUS_CLIENT_ID));
            }
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }

        @Override
        public Subscription subscribe(String topicFilter, io.hybridge.api.bus.BusListener listener) {
            listeners.put(topicFilter, listener);
            return new Subscription() {
                @Override
                public String topicFilter() {
                    return topicFilter;
                }

                @Override
                public long droppedMessages() {
                    return 0;
                }

                @Override
                public void close() {
                    listeners.remove(topicFilter);
                }
            };
        }
    }

    @Test
    void anMqttHeartbeatKeepsAWorkloadHealthyAndItsSilenceRestartsIt() {
        TestBus bus = new TestBus();
        supervisor.setBus(bus, Map.of(io.hybridge.api.bus.LocalBus.PORT, 18830));
        supervisor.addRuntime(runtime);
        HealthCheck heartbeat = new HealthCheck(HealthCheckType.MQTT_HEARTBEAT, 0, "app/alive", Duration.ofMillis(20),
                Duration.ofMillis(300), Duration.ZERO, 2);
        supervisor.desire(spec("app", "127.0.0.1:15000/app:1", 1, fastPolicy(RestartMode.ON_FAILURE, 5), heartbeat), "h1", "config");
        assertThat(awaitState("app", WorkloadState.STARTING).replicas().get(0).healthy()).isFalse();

        await(() -> bus.listeners.containsKey("app/alive"), () -> "the heartbeat topic watched");
        bus.publish("app/alive", new byte[0], 0, false);
        assertThat(awaitState("app", WorkloadState.RUNNING).replicas().get(0).healthy()).isTrue();

        // silence: after the timeout and two failed checks the replica is unhealthy and restarted
        await(() -> supervisor.status("app").orElseThrow().restarts() >= 1, () -> "a restart after the heartbeat stopped");
        assertThat(runtime.starts.size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void theGatewayIdIsGeneratedOnceAndKept() throws Exception {
        Supervisor first = new Supervisor(config(""), state, configAdmin);
        Supervisor second = new Supervisor(config(""), state, configAdmin);
        try {
            assertThat(first.gatewayId()).matches("[0-9a-f]{8}").isEqualTo(second.gatewayId());
        } finally {
            first.deactivate();
            second.deactivate();
        }
    }

    @Test
    void anInvalidGatewayIdIsRefusedByName() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Supervisor(config("Bad_Id"), state, configAdmin))
                .hasMessageContaining("gatewayId 'Bad_Id' is not valid");
    }

    @Test
    void workloadNamesComeFromTheNamePropertyOrThePid() {
        assertThat(Supervisor.workloadName("io.hybridge.workload~vision", null)).isEqualTo("vision");
        assertThat(Supervisor.workloadName("io.hybridge.workload~x", "named")).isEqualTo("named");
    }
}
