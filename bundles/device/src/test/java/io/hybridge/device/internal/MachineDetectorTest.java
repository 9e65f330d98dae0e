package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MachineDetectorTest {

    @TempDir
    Path root;

    @Test
    void detectsTheRealMachineQuicklyAndSanely() {
        MachineDetector detector = MachineDetector.forThisMachine(root.resolve("no-docker.sock"), Duration.ofSeconds(1));

        long started = System.nanoTime();
        MachineFacts facts = detector.facts();
        DetectedCapabilities capabilities = detector.capabilities(facts.architecture());
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.printf("Detected %s and %s in %d ms%n", facts, capabilities, millis);
        assertThat(facts.architecture()).isEqualTo(Architectures.linuxName(System.getProperty("os.arch")))
                .isIn("x86_64", "aarch64");
        assertThat(facts.cpuCores()).isEqualTo(Runtime.getRuntime().availableProcessors()).isPositive();
        if (Files.exists(Path.of("/proc/meminfo"))) {
            assertThat(facts.physicalMemoryMiB()).isBetween(256L, 64L * 1024 * 1024);
            assertThat(facts.availableMemoryMiB()).isPositive().isLessThanOrEqualTo(facts.physicalMemoryMiB());
        }
        assertThat(capabilities.dockerReachable()).isFalse();
        // generous against a loaded build machine; a quiet machine takes a few milliseconds
        assertThat(millis).isLessThan(1000);
    }

    @Test
    void readsMemoryAndBoardNamesAndStripsTheirPadding() {
        MachineFacts facts = new FakeMachine(root).osArch("arm64").cores(4)
                .memTotalMiB(3891)
                .deviceTreeModel("Raspberry Pi 4 Model B Rev 1.4")
                .file("sys/class/dmi/id/product_name", "  \n")
                .detector().facts();

        assertThat(facts).isEqualTo(new MachineFacts("aarch64", 4, 3891, 3891, "Raspberry Pi 4 Model B Rev 1.4", "", ""));
    }

    @Test
    void aCgroupV1MemoryLimitCountsAndUnlimitedDoesNot() {
        FakeMachine machine = new FakeMachine(root).memTotalMiB(24105)
                .file("proc/self/cgroup", "4:memory:/process_api/abc\n0::/\n")
                .file("sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n");
        assertThat(machine.detector().facts().availableMemoryMiB()).isEqualTo(24105);

        machine.file("sys/fs/cgroup/memory/process_api/abc/memory.limit_in_bytes", String.valueOf(2048L * 1024 * 1024));
        assertThat(machine.detector().facts().availableMemoryMiB()).isEqualTo(2048);
    }

    @Test
    void aCgroupV2LimitOfMaxIsNoLimit() {
        MachineFacts facts = new FakeMachine(root).memTotalMiB(8000)
                .file("proc/self/cgroup", "0::/\n")
                .file("sys/fs/cgroup/memory.max", "max\n")
                .detector().facts();

        assertThat(facts.availableMemoryMiB()).isEqualTo(8000);
    }

    @Test
    void anEmptyRootIsAnUnknownMachineNotAnError() {
        MachineFacts facts = new FakeMachine(root).osArch("amd64").detector().facts();

        assertThat(facts).isEqualTo(new MachineFacts("x86_64", 4, 0, 0, "", "", ""));
    }

    @Test
    void qemuCountsOnlyAsAnExecutableForThisArchitectureOnThePath(@TempDir Path bin) throws Exception {
        FakeMachine machine = new FakeMachine(root).searchPath("/nonexistent:" + bin);
        Path qemu = Files.createFile(bin.resolve("qemu-system-aarch64"));
        assertThat(machine.detector().capabilities("aarch64").qemuPresent()).as("not executable").isFalse();

        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(machine.detector().capabilities("aarch64").qemuPresent()).isTrue();
        assertThat(machine.detector().capabilities("x86_64").qemuPresent()).isFalse();
    }

    @Test
    void kvmIsUsableWhenDevKvmIsReadableAndWritable() throws Exception {
        FakeMachine machine = new FakeMachine(root);
        assertThat(machine.detector().capabilities("aarch64").kvmUsable()).as("no /dev/kvm").isFalse();

        machine.file("dev/kvm", "");
        assertThat(machine.detector().capabilities("aarch64").kvmUsable()).isTrue();
    }

    @Test
    void capabilitiesCarryTheDockerProbeAndTheTime() {
        DetectedCapabilities capabilities = new FakeMachine(root).docker(true).detector().capabilities("aarch64");

        assertThat(capabilities.dockerReachable()).isTrue();
        assertThat(capabilities.detectedAt()).isEqualTo(1_700_000_000_000L);
    }
}
