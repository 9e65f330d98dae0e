package io.hybridge.runtime.unikernel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.RuntimeAvailability;
import io.hybridge.api.workload.RuntimeListener;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.runtime.unikernel.internal.image.UnikernelImage;
import io.hybridge.runtime.unikernel.internal.vmm.AcceleratorPolicy;
import io.hybridge.runtime.unikernel.internal.vmm.CgroupPlacement;

/**
 * Boots real microVMs under QEMU (TCG; KVM where the test is about KVM) with the busybox test
 * guest, through the packaged bundle's classes.
 */
class UnikernelRuntimeVmmTest {

    static final String GATEWAY = "vmmtest";
    static final Duration BOOT = Duration.ofSeconds(90);
    static UnikernelImage image;

    @TempDir
    Path state;
    final List<UnikernelRuntime> runtimes = new ArrayList<>();
    final BlockingQueue<InstanceInfo> exits = new LinkedBlockingQueue<>();

    @BeforeAll
    static void guest() throws Exception {
        image = TestGuest.image();
    }

    @AfterEach
    void removeAll() throws Exception {
        for (UnikernelRuntime runtime : runtimes) {
            for (InstanceInfo instance : runtime.instances(GATEWAY)) {
                runtime.remove(instance.instanceId());
            }
            runtime.deactivate();
        }
    }

    UnikernelRuntime runtime(RuntimeSettings settings) {
        UnikernelRuntime runtime = new UnikernelRuntime(settings, TestGuest.store(image));
        runtime.watch(new RuntimeListener() {
            @Override
            public void instanceExited(InstanceInfo instance) {
                exits.add(instance);
            }

            @Override
            public void availabilityChanged(RuntimeAvailability availability) {
            }
        });
        runtimes.add(runtime);
        return runtime;
    }

    static InstanceRequest request(WorkloadSpec spec) {
        return new InstanceRequest(GATEWAY, spec, "hash-" + spec.name(), 0, Optional.empty());
    }

    static void awaitLine(UnikernelRuntime runtime, String instance, String text) {
        Waits.until(BOOT, instance + " printing '" + text + "'", () -> {
            try {
                return runtime.logs(instance, 200).stream().anyMatch(line -> line.contains(text));
            } catch (WorkloadException e) {
                throw new AssertionError(e);
            }
        });
    }

    InstanceInfo nextExit() throws InterruptedException {
        InstanceInfo exit = exits.poll(BOOT.toSeconds(), TimeUnit.SECONDS);
        if (exit == null) {
            throw new AssertionError("no instanceExited within " + BOOT.toSeconds() + " s");
        }
        return exit;
    }

    @Test
    void bootsThenStopsGracefullyThroughTheControlLine() throws Exception {
        UnikernelRuntime runtime = runtime(Specs.tcg(state));
        InstanceInfo started = runtime.start(request(Specs.spec("graceful", Map.of("TEST_MODE", "run"))));
        assertEquals(InstanceState.RUNNING, started.state());
        assertEquals("hb-vmmtest-graceful-0", started.instanceId());
        awaitLine(runtime, started.instanceId(), "task: mode run");
        Optional<ResourceUsage> usage = runtime.usage(started.instanceId());
        assertTrue(usage.isPresent() && usage.get().memoryBytes() > 0, "VMM RSS from /proc: " + usage);

        runtime.stop(started.instanceId(), Duration.ofSeconds(60));
        InstanceInfo exit = nextExit();
        assertEquals(143, exit.exitCode(), exit.detail());
        assertTrue(runtime.logs(started.instanceId(), 50).contains("task: terminated"));
        assertEquals(InstanceState.EXITED, runtime.inspect(started.instanceId()).orElseThrow().state());
    }

    @Test
    void theTelemetryImagesOwnInitSaysReadyAndStopsOnTheControlLine() throws Exception {
        UnikernelImage cInit = TestGuest.telemetryInitImage();
        UnikernelRuntime runtime = new UnikernelRuntime(Specs.tcg(state), TestGuest.store(cInit));
        runtimes.add(runtime);
        runtime.watch(new RuntimeListener() {
            @Override
            public void instanceExited(InstanceInfo instance) {
                exits.add(instance);
            }

            @Override
            public void availabilityChanged(RuntimeAvailability availability) {
            }
        });
        InstanceInfo started = runtime.start(request(Specs.spec("cinit", Map.of("TEST_MODE", "run"))));
        awaitLine(runtime, started.instanceId(), "task: mode run");
        assertTrue(runtime.logs(started.instanceId(), 50).stream().anyMatch(line -> line.startsWith(TestGuest.READY_LINE)));
        runtime.stop(started.instanceId(), Duration.ofSeconds(60));
        InstanceInfo exit = nextExit();
        assertEquals(143, exit.exitCode(), exit.detail() + " " + runtime.logs(started.instanceId(), 50));
    }

    @Test
    void guestExitStatusComesFromTheExitLine() throws Exception {
        UnikernelRuntime runtime = runtime(Specs.tcg(state));
        InstanceInfo started = runtime.start(request(Specs.spec("exits", Map.of("TEST_MODE", "exit3"))));
        InstanceInfo exit = nextExit();
        assertEquals(started.instanceId(), exit.instanceId());
        assertEquals(3, exit.exitCode(), exit.detail());
        assertEquals(InstanceState.EXITED, exit.state());
        assertEquals("exits", exit.workloadName());
    }

    @Test
    void killedVmmIsSeenAtOnce() throws Exception {
        UnikernelRuntime runtime = runtime(Specs.tcg(state));
        InstanceInfo started = runtime.start(request(Specs.spec("killed", Map.of("TEST_MODE", "run"))));
        awaitLine(runtime, started.instanceId(), "task: mode run");
        long pid = Long.parseLong(Files.readString(state.resolve("instances").resolve(started.instanceId()).resolve("vmm.pid")).trim());
        long killedAt = System.nanoTime();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        InstanceInfo exit = nextExit();
        long millis = (System.nanoTime() - killedAt) / 1_000_000;
        System.out.println("[vmm-test] exit of a killed VMM seen after " + millis + " ms");
        assertEquals(UnikernelRuntime.NO_EXIT_LINE, exit.exitCode(), exit.detail());
        assertTrue(millis < 1000, "seen after " + millis + " ms");
    }

    @Test
    void aNewRuntimeAdoptsTheRunningVmAndNeverStartsASecond() throws Exception {
        UnikernelRuntime first = runtime(Specs.tcg(state));
        InstanceInfo started = first.start(request(Specs.spec("adopted", Map.of("TEST_MODE", "run"))));
        awaitLine(first, started.instanceId(), "task: mode run");
        Path dir = state.resolve("instances").resolve(started.instanceId());
        long pid = Long.parseLong(Files.readString(dir.resolve("vmm.pid")).trim());
        first.deactivate(); // the gateway goes away; the VM runs on

        UnikernelRuntime second = runtime(Specs.tcg(state));
        List<InstanceInfo> instances = second.instances(GATEWAY);
        assertEquals(1, instances.size());
        assertEquals(InstanceState.RUNNING, instances.get(0).state());
        assertTrue(instances.get(0).detail().contains("pid " + pid), instances.get(0).detail());
        WorkloadException twice = assertThrows(WorkloadException.class,
                () -> second.start(request(Specs.spec("adopted", Map.of("TEST_MODE", "run")))));
        assertTrue(twice.getMessage().contains("already runs"), twice.getMessage());
        assertTrue(ProcessHandle.of(pid).isPresent(), "the adopted VM still runs");
        assertTrue(second.instances("another-gateway").isEmpty());

        second.stop(started.instanceId(), Duration.ofSeconds(60));
        InstanceInfo exit = nextExit();
        assertEquals(143, exit.exitCode(), exit.detail());
    }

    @Test
    void kvmThatShowsNoSignOfLifeFallsBackToTcg() throws Exception {
        // on the build machines /dev/kvm exists, but a guest under it (-cpu qemu64) never prints a line
        UnikernelRuntime runtime = runtime(Specs.settings(state, AcceleratorPolicy.Mode.KVM, Duration.ofSeconds(8), "qemu64", "",
                1024 * 1024));
        InstanceInfo started = runtime.start(request(Specs.spec("kvmhang", Map.of("TEST_MODE", "run"))));
        System.out.println("[vmm-test] " + started.detail());
        if (runtime.accelerators().verdict() == AcceleratorPolicy.KvmVerdict.USABLE) {
            return; // a host where KVM works: nothing to fall back from
        }
        String expected = runtime.accelerators().kvmOpenable()
                ? "KVM present but the guest showed no sign of life in 8 s: KVM unusable here; falling back to TCG"
                : "KVM unusable here; falling back to TCG"; // no /dev/kvm: QEMU fails at start instead
        assertTrue(started.detail().contains(expected), started.detail());
        assertTrue(started.detail().startsWith("qemu under tcg"), started.detail());
        assertEquals("unusable", runtime.health().details().get("kvm"));
        awaitLine(runtime, started.instanceId(), "task: mode run");
        assertEquals(1, runtime.instances(GATEWAY).size());
    }

    @Test
    void kvmThatFailsAtStartFallsBackToTcg() throws Exception {
        // with -cpu host QEMU 7.2 aborts here (an MSR it cannot set)
        UnikernelRuntime runtime = runtime(Specs.settings(state, AcceleratorPolicy.Mode.KVM, Duration.ofSeconds(8), "host", "",
                1024 * 1024));
        InstanceInfo started = runtime.start(request(Specs.spec("kvmfail", Map.of("TEST_MODE", "run"))));
        System.out.println("[vmm-test] " + started.detail());
        if (runtime.accelerators().verdict() == AcceleratorPolicy.KvmVerdict.USABLE) {
            return;
        }
        assertTrue(started.detail().contains("KVM unusable here; falling back to TCG"), started.detail());
        awaitLine(runtime, started.instanceId(), "task: mode run");
        // remembered: the next start goes to TCG directly
        UnikernelRuntime later = runtime(Specs.settings(state, AcceleratorPolicy.Mode.KVM, Duration.ofSeconds(8), "host", "",
                1024 * 1024));
        assertEquals(List.of(io.hybridge.runtime.unikernel.internal.vmm.Accelerator.TCG),
                later.accelerators().attempts(java.util.EnumSet.allOf(io.hybridge.runtime.unikernel.internal.vmm.Accelerator.class)));
    }

    @Test
    void vmmRunsInItsCgroupWithTheSpecsLimits() throws Exception {
        String parent = "{self}/hybridge-vmm-test-" + ProcessHandle.current().pid();
        UnikernelRuntime runtime = runtime(Specs.settings(state, AcceleratorPolicy.Mode.TCG, Duration.ofSeconds(60), "host", parent,
                1024 * 1024));
        TestGuest.require(runtime.cgroups().version() != CgroupPlacement.Version.NONE, "no cgroup v1 or v2 cpu+memory controllers here");
        InstanceInfo started = runtime.start(request(Specs.spec("limited", Map.of("TEST_MODE", "run"),
                new WorkloadSpec.Resources(0.5, 128, 0))));
        long pid = Long.parseLong(Files.readString(state.resolve("instances").resolve(started.instanceId()).resolve("vmm.pid")).trim());
        List<Path> dirs = runtime.cgroups().directories(started.instanceId());
        for (Path dir : dirs) {
            assertTrue(Files.readString(dir.resolve("cgroup.procs")).lines().anyMatch(line -> line.equals(Long.toString(pid))),
                    "VMM " + pid + " in " + dir);
        }
        long memory = (128 + 64 + 32) * 1024L * 1024;
        if (runtime.cgroups().version() == CgroupPlacement.Version.V1) {
            assertEquals("50000", Files.readString(dirs.get(0).resolve("cpu.cfs_quota_us")).trim());
            assertEquals(Long.toString(memory), Files.readString(dirs.get(1).resolve("memory.limit_in_bytes")).trim());
        } else {
            assertEquals("50000 100000", Files.readString(dirs.get(0).resolve("cpu.max")).trim());
            assertEquals(Long.toString(memory), Files.readString(dirs.get(0).resolve("memory.max")).trim());
        }
        assertEquals(memory, runtime.usage(started.instanceId()).orElseThrow().memoryLimitBytes());
        awaitLine(runtime, started.instanceId(), "task: mode run");
        runtime.remove(started.instanceId());
        for (Path dir : dirs) {
            assertFalse(Files.exists(dir), dir + " removed with the instance");
        }
        for (Path dir : dirs) {
            Files.deleteIfExists(dir.getParent());
        }
    }

    @Test
    void consoleLogStaysBounded() throws Exception {
        long bound = 16 * 1024;
        UnikernelRuntime runtime = runtime(Specs.settings(state, AcceleratorPolicy.Mode.TCG, Duration.ofSeconds(60), "host", "", bound));
        InstanceInfo started = runtime.start(request(Specs.spec("chatty", Map.of("TEST_MODE", "run", "TEST_CHATTY", "1",
                "TEST_INTERVAL", "0.01"))));
        List<String> followed = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable follow = runtime.followLogs(started.instanceId(), followed::add)) {
            Path dir = state.resolve("instances").resolve(started.instanceId());
            Waits.until(BOOT, "console.log rotated", () -> Files.exists(dir.resolve("console.log.1")));
            Waits.until(BOOT, "a second rotation", () -> followed.size() > 2 * bound / 100);
            assertTrue(Files.size(dir.resolve("console.log.1")) <= bound + 64 * 1024, "rotated file bounded");
            assertTrue(Files.size(dir.resolve("console.log")) <= bound + 64 * 1024, "live file bounded");
            List<String> last = runtime.logs(started.instanceId(), 10);
            assertEquals(10, last.size());
            assertTrue(followed.stream().anyMatch(line -> line.startsWith("task: line")));
        }
    }

    @Test
    void theGuestReachesTheBrokerForwardAndNothingElseAndThePasswordStaysOutOfPs() throws Exception {
        UnikernelRuntime runtime = runtime(Specs.tcg(state));
        try (java.net.ServerSocket broker = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
             java.net.ServerSocket host = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            WorkloadSpec spec = new WorkloadSpec("net", "", io.hybridge.api.workload.RuntimeType.UNIKERNEL,
                    new WorkloadSpec.Image("localhost/hybridge/test-guest:1", null, null), null, null,
                    Map.of("TEST_MODE", "net", "TEST_HOST_PORT", Integer.toString(host.getLocalPort())), null, null, null, null, false,
                    null, null, new WorkloadSpec.BusAccess(List.of("test/out"), List.of()), 1, null, null);
            InstanceInfo started = runtime.start(new InstanceRequest(GATEWAY, spec, "hash-net", 0,
                    Optional.of(new io.hybridge.api.workload.BusEndpoint(broker.getLocalPort(), "net-user", "pw-s3cret", "client-1"))));
            long pid = Long.parseLong(Files.readString(state.resolve("instances").resolve(started.instanceId()).resolve("vmm.pid")).trim());
            String cmdline = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).replace('\0', ' ');
            assertFalse(cmdline.contains("pw-s3cret"), cmdline);
            // socat is provisioned: a relay per guest connection, else QEMU's one connection
            assertTrue(cmdline.contains("restrict=on,guestfwd=tcp:10.0.2.100:1883-cmd:") && cmdline.contains(" - TCP:127.0.0.1:" + broker.getLocalPort())
                    || cmdline.contains("restrict=on,guestfwd=tcp:10.0.2.100:1883-tcp:127.0.0.1:" + broker.getLocalPort()), cmdline);
            broker.setSoTimeout((int) BOOT.toMillis());
            try (java.net.Socket guest = broker.accept()) {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(guest.getInputStream())).readLine();
                assertEquals("hello from client-1 as net-user", line);
            }
            InstanceInfo exit = exits.poll(BOOT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(exit != null, "no exit; console: " + runtime.logs(started.instanceId(), 100));
            assertEquals(0, exit.exitCode(), exit.detail());
            List<String> console = runtime.logs(started.instanceId(), 100);
            assertTrue(console.contains("task: host unreachable"), console.toString());
        }
    }

    @Test
    void moreMemoryThanTheDeviceHasIsRefused() throws Exception {
        UnikernelRuntime runtime = runtime(Specs.tcg(state));
        WorkloadSpec huge = Specs.spec("huge", Map.of(), new WorkloadSpec.Resources(0, 1024L * 1024 * 1024, 0));
        assertTrue(runtime.validate(huge).stream().anyMatch(p -> p.field().equals("resources.memoryMiB")
                && p.message().contains("1073741824 MiB is more than the device's memory")), runtime.validate(huge).toString());
        WorkloadException refused = assertThrows(WorkloadException.class, () -> runtime.start(request(huge)));
        assertEquals(WorkloadException.Reason.INSUFFICIENT_RESOURCES, refused.reason());
        assertTrue(runtime.instances(GATEWAY).isEmpty());
    }
}
