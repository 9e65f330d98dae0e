package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.device.DeviceProfile.Source;
import io.hybridge.api.health.HealthStatus;

/** Auto detection against the shipped profiles, on machines described by fake /proc and /sys trees. */
class ProfileMatchingTest {

    @TempDir
    Path root;

    private final ProfileCatalog catalog = Profiles.repositoryCatalog();

    private Resolution autoDetect(FakeMachine machine) {
        MachineDetector detector = machine.detector();
        MachineFacts facts = detector.facts();
        return ProfileResolver.resolve(catalog, "auto", facts, detector.capabilities(facts.architecture()));
    }

    @Test
    void aRaspberryPi4With3_8GiBIsThe4GbBoard() {
        FakeMachine pi = new FakeMachine(root).osArch("aarch64").cores(4)
                .deviceTreeModel("Raspberry Pi 4 Model B Rev 1.4")
                .memTotalMiB(3891)
                .file("dev/kvm", "");

        Resolution resolution = autoDetect(pi);

        assertThat(resolution.problems()).isEmpty();
        assertThat(resolution.profile())
                .extracting(p -> p.id(), p -> p.source(), p -> p.architecture(), p -> p.cpuCores(), p -> p.memoryMiB())
                .containsExactly("raspberry-pi-4b-4gb", Source.MATCHED, "aarch64", 4, 3891L);
        assertThat(resolution.health().status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aRaspberryPi4With8GbIsNotThe4GbBoard() {
        FakeMachine pi = new FakeMachine(root).osArch("aarch64")
                .deviceTreeModel("Raspberry Pi 4 Model B Rev 1.4")
                .memTotalMiB(7820);

        assertThat(autoDetect(pi).profile())
                .extracting(p -> p.id(), p -> p.source(), p -> p.name())
                .containsExactly("detected-aarch64", Source.DETECTED, "Unknown aarch64 machine (Raspberry Pi 4 Model B Rev 1.4)");
    }

    @Test
    void aCgroupLimitLowersTheMemoryButNotWhichBoardMatches() {
        FakeMachine pi = new FakeMachine(root).osArch("aarch64")
                .deviceTreeModel("Raspberry Pi 4 Model B Rev 1.5")
                .memTotalMiB(3791)
                .file("proc/self/cgroup", "0::/system.slice/hybridge.service\n")
                .file("sys/fs/cgroup/system.slice/hybridge.service/memory.max", String.valueOf(1024L * 1024 * 1024) + "\n");

        Resolution resolution = autoDetect(pi);

        assertThat(resolution.profile().id()).isEqualTo("raspberry-pi-4b-4gb");
        assertThat(resolution.profile().memoryMiB()).isEqualTo(1024);
    }

    @Test
    void aJetsonOrinNanoIsKnownByItsDmiProductNameToo() {
        FakeMachine jetson = new FakeMachine(root).osArch("aarch64").cores(6)
                .file("sys/class/dmi/id/product_name", "NVIDIA Jetson Orin Nano Developer Kit\n")
                .memTotalMiB(7620);

        Resolution resolution = autoDetect(jetson);

        assertThat(resolution.profile().id()).isEqualTo("jetson-orin-nano-8gb");
        assertThat(resolution.profile().accelerators()).containsExactly("cuda");
        // the Jetson profile does not expect KVM, so its absence is no problem
        assertThat(resolution.problems()).isEmpty();
    }

    @Test
    void anAtomX6000eBoxIsTheIndustrialPcButAnEpycServerIsNot() {
        FakeMachine atom = new FakeMachine(root).osArch("amd64")
                .file("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Atom(TM) x6425E Processor @ 2.00GHz\n")
                .memTotalMiB(7800)
                .file("dev/kvm", "");
        assertThat(autoDetect(atom).profile().id()).isEqualTo("x86-industrial-pc");

        new FakeMachine(root).file("proc/cpuinfo", "model name\t: AMD EPYC 7B13 64-Core Processor\n");
        assertThat(autoDetect(atom).profile().id()).isEqualTo("detected-x86_64");
    }

    @Test
    void aBoardIsNeverMatchedOnAnotherArchitecture() {
        FakeMachine odd = new FakeMachine(root).osArch("amd64")
                .deviceTreeModel("Raspberry Pi 4 Model B Rev 1.4")
                .memTotalMiB(3891);

        assertThat(autoDetect(odd).profile().id()).isEqualTo("detected-x86_64");
    }

    @Test
    void theLongestMatchingPrefixWins(@TempDir Path operatorDir) throws Exception {
        new FakeMachine(operatorDir).file("pi4-rev15.json", """
                {"id": "pi4-rev15", "name": "Pi 4 B rev 1.5", "vendor": "Raspberry Pi Ltd", "architecture": "aarch64",
                 "cpu": {"model": "Arm Cortex-A72", "cores": 4}, "memoryMiB": 4096,
                 "match": {"deviceTreeModel": ["Raspberry Pi 4 Model B Rev 1.5"]}}
                """);
        ProfileCatalog withOperatorBoard = ProfileCatalog.load(Profiles.repositoryFiles(), ProfileSource.jsonFilesIn(operatorDir));
        MachineFacts facts = new FakeMachine(root).deviceTreeModel("Raspberry Pi 4 Model B Rev 1.5").memTotalMiB(3791)
                .detector().facts();

        assertThat(withOperatorBoard.match(facts)).map(BoardProfile::id).contains("pi4-rev15");
    }
}
