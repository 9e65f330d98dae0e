package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.api.device.DeviceProfile.Source;
import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthStatus;

class ProfileResolverTest {

    private final ProfileCatalog catalog = Profiles.repositoryCatalog();
    private final MachineFacts x86Server = new MachineFacts("x86_64", 2, 24105, 24105, "", "", "AMD EPYC 7B13");
    private final DetectedCapabilities noEngines = new DetectedCapabilities(false, false, false, 1L);

    @Test
    void anUnknownProfileIdFallsBackToAutoDetectionAndDegradesTheHealth() {
        Resolution resolution = ProfileResolver.resolve(catalog, "raspberry-pi-5", x86Server, noEngines);

        assertThat(resolution.profile().id()).isEqualTo("detected-x86_64");
        assertThat(resolution.profile().source()).isEqualTo(Source.DETECTED);
        assertThat(resolution.errors()).singleElement().asString()
                .contains("'raspberry-pi-5'", "io.hybridge.device",
                        "jetson-orin-nano-8gb, raspberry-pi-4b-4gb, x86-industrial-pc", "auto");
        Health health = resolution.health();
        assertThat(health.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(health.message()).contains("raspberry-pi-5");
    }

    @Test
    void aConfiguredBoardLendsItsStaticFactsWhileCapabilitiesStayDetected() {
        MachineFacts piWithLimit = new MachineFacts("aarch64", 2, 3791, 1024, "Raspberry Pi 4 Model B Rev 1.4", "", "");
        DetectedCapabilities docker = new DetectedCapabilities(true, false, true, 1L);

        Resolution resolution = ProfileResolver.resolve(catalog, " raspberry-pi-4b-4gb ", piWithLimit, docker);

        assertThat(resolution.problems()).isEmpty();
        assertThat(resolution.profile())
                .extracting(p -> p.id(), p -> p.source(), p -> p.cpuCores(), p -> p.memoryMiB(), p -> p.capabilities())
                .containsExactly("raspberry-pi-4b-4gb", Source.CONFIGURED, 4, 4096L, docker);
    }

    @Test
    void aConfiguredBoardOfAnotherArchitectureIsUsedButReported() {
        Resolution resolution = ProfileResolver.resolve(catalog, "jetson-orin-nano-8gb", x86Server, noEngines);

        assertThat(resolution.profile().id()).isEqualTo("jetson-orin-nano-8gb");
        assertThat(resolution.warnings()).singleElement().asString().contains("aarch64", "x86_64");
        assertThat(resolution.health().status()).isEqualTo(HealthStatus.DEGRADED);
    }

    @Test
    void aBoardThatExpectsKvmWithoutUsableKvmIsReported() {
        Resolution resolution = ProfileResolver.resolve(catalog, "x86-industrial-pc", x86Server, noEngines);

        assertThat(resolution.warnings()).singleElement().asString().contains("/dev/kvm", "kvm group");
    }

    @Test
    void healthNamesTheProfileAndWhatTheMachineOffers() {
        DetectedCapabilities engines = new DetectedCapabilities(true, true, false, 1L);

        Health health = ProfileResolver.resolve(catalog, "auto", x86Server, engines).health();

        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(health.message()).isEqualTo("Unknown x86_64 machine (AMD EPYC 7B13), detected");
        assertThat(health.details().keySet())
                .containsExactly("profile", "name", "source", "arch", "cores", "memoryMiB", "docker", "qemu", "kvm");
        assertThat(health.details()).isEqualTo(Map.of(
                "profile", "detected-x86_64", "name", "Unknown x86_64 machine (AMD EPYC 7B13)", "source", "detected",
                "arch", "x86_64", "cores", 2, "memoryMiB", 24105L,
                "docker", true, "qemu", true, "kvm", false));
    }

    @Test
    void brokenProfileFilesDegradeTheHealthButKeepTheOtherBoards() {
        ProfileCatalog withBrokenFile = ProfileCatalog.load(Profiles.repositoryFiles(), List.of(
                new ProfileSource("etc/device-profiles/broken.json",
                        () -> new java.io.ByteArrayInputStream("{\"id\": \"broken\"".getBytes()))));

        Resolution resolution = ProfileResolver.resolve(withBrokenFile, "raspberry-pi-4b-4gb", x86Server, noEngines);

        assertThat(resolution.profile().id()).isEqualTo("raspberry-pi-4b-4gb");
        assertThat(resolution.errors()).singleElement().asString().startsWith("etc/device-profiles/broken.json: ");
    }
}
