package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

/** The image unit's gate on an in-memory runtime (names → ids) and workload service (scripted restarts). */
class ImageGateTest {

    private static final Duration SETTLE = Duration.ofMillis(100);

    private final Map<String, String> names = new ConcurrentHashMap<>();
    private final FakeWorkloads workloads = new FakeWorkloads();
    private final ImageGate gate = new ImageGate(() -> workloads, Clock.systemUTC(), SETTLE);
    private final WorkloadRuntime docker = runtime(names, RuntimeType.CONTAINER);

    @Test
    void theSwapsAreTheReferencesTheLoadMovedWithTheWorkloadsOfThatRuntimeOnly() throws Exception {
        names.put("vision:1", "sha256:old");
        names.put("other:1", "sha256:other");
        workloads.add("cam-a", RuntimeType.CONTAINER, "vision:1");
        workloads.add("cam-b", RuntimeType.CONTAINER, "vision:1");
        workloads.add("meter", RuntimeType.CONTAINER, "other:1");
        workloads.add("new-one", RuntimeType.CONTAINER, "fresh:1");
        workloads.add("vm", RuntimeType.UNIKERNEL, "vision:1");

        Map<String, String> before = gate.before(docker);
        names.put("vision:1", "sha256:new");
        names.put("fresh:1", "sha256:fresh");

        assertThat(gate.swaps(docker, before)).containsExactly(
                new ImageGate.Swap("vision:1", "sha256:old", "sha256:new", List.of("cam-a", "cam-b")),
                new ImageGate.Swap("fresh:1", "", "sha256:fresh", List.of("new-one")));
    }

    @Test
    void workloadsThatRunOnNewInstancesForTheSettlePeriodPassTheGate() throws Exception {
        workloads.add("cam", RuntimeType.CONTAINER, "vision:1");
        workloads.onRestart = name -> running("i2");

        Optional<String> problem = gate.restartAndAwait(swapOf("cam"), Duration.ofSeconds(5), () -> false);

        assertThat(problem).isEmpty();
        assertThat(workloads.restarted).containsExactly("cam");
    }

    @Test
    void aWorkloadThatFailsOnTheNewImageFailsTheGateAtOnceWithItsExit() throws Exception {
        workloads.add("cam", RuntimeType.CONTAINER, "vision:1");
        workloads.onRestart = name -> new Scripted(WorkloadState.BACKOFF, "exited with code 3; restarting in 1 s", "",
                new WorkloadStatus.Exit(3, false, Instant.now(), "error"));
        long start = System.nanoTime();

        Optional<String> problem = gate.restartAndAwait(swapOf("cam"), Duration.ofSeconds(30), () -> false);

        assertThat(problem).hasValueSatisfying(reason -> assertThat(reason)
                .contains("workload cam is backoff on the new image").contains("code 3"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aBackoffFromBeforeTheRestartDoesNotCountAgainstTheNewImage() throws Exception {
        workloads.add("cam", RuntimeType.CONTAINER, "vision:1");
        workloads.set("cam", new Scripted(WorkloadState.BACKOFF, "the old image crashed", "", null), Instant.now().minusSeconds(60));
        workloads.onRestart = name -> running("i2");

        assertThat(gate.restartAndAwait(swapOf("cam"), Duration.ofSeconds(5), () -> false)).isEmpty();
    }

    @Test
    void aWorkloadStillOnItsOldInstanceAtTheDeadlineFailsTheGateNamingIt() throws Exception {
        workloads.add("cam", RuntimeType.CONTAINER, "vision:1");
        workloads.set("cam", running("i1"), Instant.now());
        workloads.onRestart = name -> running("i1"); // the restart never happens

        Optional<String> problem = gate.restartAndAwait(swapOf("cam"), Duration.ofMillis(800), () -> false);

        assertThat(problem).hasValueSatisfying(reason -> assertThat(reason)
                .contains("not running for 100 ms within 800 ms").contains("cam running").contains("still on its old instance"));
    }

    @Test
    void restorePointsEachReferenceBackOrRemovesANewNameAndRestartsItsWorkloads() {
        names.put("vision:1", "sha256:new");
        names.put("fresh:1", "sha256:fresh");
        workloads.add("cam", RuntimeType.CONTAINER, "vision:1");
        workloads.add("meter", RuntimeType.CONTAINER, "fresh:1");

        List<String> problems = gate.restore(docker, List.of(
                new ImageGate.Swap("vision:1", "sha256:old", "sha256:new", List.of("cam")),
                new ImageGate.Swap("fresh:1", "", "sha256:fresh", List.of("meter"))));

        assertThat(problems).isEmpty();
        assertThat(names).containsExactly(Map.entry("vision:1", "sha256:old"));
        assertThat(workloads.restarted).containsExactly("cam", "meter");
    }

    @Test
    void aSwapSurvivesTheJournal() {
        Job job = new Job();
        job.step = Job.Step.SWITCHED;
        job.imageRuntime = "container";
        job.imagesBefore.put("vision:1", "sha256:old");
        job.imagesBefore.put("fresh:1", "");
        job.imageSwaps.add(new ImageGate.Swap("vision:1", "sha256:old", "sha256:new", List.of("cam")));

        Job read = Job.fromMap(job.toMap());

        assertThat(read.imageRuntime).isEqualTo("container");
        assertThat(read.imagesBefore).isEqualTo(job.imagesBefore);
        assertThat(read.imageSwaps).isEqualTo(job.imageSwaps);
    }

    // --- fakes -----------------------------------------------------------------------------

    private static List<ImageGate.Swap> swapOf(String workload) {
        return List.of(new ImageGate.Swap("vision:1", "sha256:old", "sha256:new", List.of(workload)));
    }

    static Scripted running(String instance) {
        return new Scripted(WorkloadState.RUNNING, "running", instance, null);
    }

    record Scripted(WorkloadState state, String message, String instance, WorkloadStatus.Exit exit) {
    }

    /** A runtime whose image names are the map's (reference → id). */
    static WorkloadRuntime runtime(Map<String, String> names, RuntimeType type) {
        return (WorkloadRuntime) Proxy.newProxyInstance(ImageGateTest.class.getClassLoader(), new Class<?>[] {WorkloadRuntime.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "type" -> type;
                    case "localImageId" -> Optional.ofNullable(names.get((String) args[0]));
                    case "pointImage" -> {
                        @SuppressWarnings("unchecked")
                        Optional<String> id = (Optional<String>) args[1];
                        if (id.isPresent()) {
                            names.put((String) args[0], id.get());
                        } else {
                            names.remove((String) args[0]);
                        }
                        yield null;
                    }
                    case "toString" -> type.id();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Workloads whose status after a restart is what {@link #onRestart} says, from that moment on. */
    static final class FakeWorkloads implements WorkloadService {
        final Map<String, WorkloadSpec> specs = new LinkedHashMap<>();
        final Map<String, WorkloadStatus> statuses = new ConcurrentHashMap<>();
        final List<String> restarted = new ArrayList<>();
        Function<String, Scripted> onRestart = name -> running("i-new");

        void add(String name, RuntimeType runtime, String image) {
            specs.put(name, new WorkloadSpec(name, null, runtime, new WorkloadSpec.Image(image, null, null), null, null,
                    null, null, null, null, null, false, null, null, null, 1, null, null));
            set(name, running("i1"), Instant.now().minusSeconds(60));
        }

        void set(String name, Scripted scripted, Instant since) {
            List<WorkloadStatus.Replica> replicas = List.of(new WorkloadStatus.Replica(0, scripted.instance(),
                    scripted.state(), true, 0, since, null));
            statuses.put(name, new WorkloadStatus(name, specs.get(name).runtime(), "test", "hash", scripted.state(),
                    scripted.message(), since, 0, scripted.exit(), 1, replicas));
        }

        @Override
        public boolean restart(String name) {
            restarted.add(name);
            set(name, onRestart.apply(name), Instant.now());
            return true;
        }

        @Override
        public List<WorkloadStatus> list() {
            return specs.keySet().stream().map(statuses::get).toList();
        }

        @Override
        public Optional<WorkloadStatus> status(String name) {
            return Optional.ofNullable(statuses.get(name));
        }

        @Override
        public Optional<WorkloadSpec> spec(String name) {
            return Optional.ofNullable(specs.get(name));
        }

        @Override
        public WorkloadSpec parse(String json) {
            throw new UnsupportedOperationException();
        }

        @Override
        public WorkloadSpec parse(String json, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String toJson(WorkloadSpec spec) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean apply(WorkloadSpec spec, String source) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean remove(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<String> logs(String name, int maxLines) {
            return List.of();
        }
    }
}
