package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.ConsoleClient;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.TestBundles;
import io.hybridge.itests.support.Wait;

/** The deploy/ folder installs, updates and removes bundles and configurations. */
class DeployFolderIT {

    private static final String PASSWORD = "itest-Deploy-1";
    private static final String BSN = "io.hybridge.itest.dropped";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aDroppedBundleIsInstalledUpdatedAndUninstalled() throws Exception {
        Path v1 = TestBundles.bundle(dir, BSN, "1.0.0");
        Path v2 = TestBundles.bundle(dir, BSN, "2.0.0");
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", PASSWORD)
                .startAndAwaitReady()) {
            ConsoleClient console = gateway.console(PASSWORD);
            Path dropped = gateway.home().resolve("deploy/dropped.jar");

            Files.copy(v1, dropped);
            Wait.until("dropped bundle active", DEADLINE, () -> console.bundle(BSN)
                    .filter(b -> "Active".equals(b.path("state").asText())).isPresent());

            copyOver(v2, dropped);
            Wait.until("dropped bundle updated to 2.0.0", DEADLINE, () -> console.bundle(BSN)
                    .filter(b -> "2.0.0".equals(b.path("version").asText()) && "Active".equals(b.path("state").asText()))
                    .isPresent());

            Files.delete(dropped);
            Wait.until("dropped bundle uninstalled", DEADLINE, () -> console.bundle(BSN).isEmpty());
        }
    }

    @Test
    void aDroppedConfigurationIsAppliedAndItsRemovalTakesItBack() throws Exception {
        Mosquitto.require();
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").startAndAwaitReady()) {
            Path account = gateway.home().resolve("deploy/io.hybridge.broker.account-sensor7.config");
            Files.writeString(account, """
                    username="sensor7"
                    password="s7-pass"
                    publish=["sensors/sensor7/#"]
                    subscribe=["sensors/sensor7/#"]
                    """);
            Wait.until("account sensor7 from deploy/ accepted by the broker", DEADLINE,
                    () -> Mosquitto.publish(gateway.mqttPort(), "sensor7", "s7-pass", "sensors/sensor7/t", "21.5").ok());

            Files.delete(account);
            Wait.until("account sensor7 gone after its file was removed", DEADLINE,
                    () -> !Mosquitto.publish(gateway.mqttPort(), "sensor7", "s7-pass", "sensors/sensor7/t", "21.5").ok());
        }
    }

    @Test
    void aCorruptJarDroppedIsReportedByNameAndDisturbsNothing() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", PASSWORD)
                .startAndAwaitReady()) {
            ConsoleClient console = gateway.console(PASSWORD);
            // a clean baseline first: "ready" also admits a DEGRADED framework, e.g. a bundle
            // still settling; the assertion below must measure what the corrupt jar does
            Wait.until("framework UP before the corrupt jar", DEADLINE, () -> "UP".equals(
                    gateway.health().path("subsystems").path("framework").path("status").asText()));
            int bundlesBefore = console.bundles().size();

            TestBundles.corruptJar(gateway.home().resolve("deploy"), "truncated-driver.jar");

            Wait.until("the log names the corrupt jar and why", DEADLINE,
                    () -> gateway.log().contains("deploy/truncated-driver.jar was not installed: not a"));
            var deploy = gateway.health().path("subsystems").path("deploy");
            assertThat(deploy.path("status").asText()).isEqualTo("DEGRADED");
            assertThat(deploy.path("details").path("rejected").has("truncated-driver.jar")).isTrue();
            assertThat(console.bundles().size()).isEqualTo(bundlesBefore);
            assertThat(gateway.healthStatusCode()).as("a bad file must not take the gateway down").isEqualTo(200);
            var health = gateway.health();
            assertThat(health.path("subsystems").path("framework").path("status").asText())
                    .as("framework health after the corrupt jar: %s", health).isEqualTo("UP");

            Files.delete(gateway.home().resolve("deploy/truncated-driver.jar"));
            Wait.until("deploy healthy again once the file is gone", DEADLINE, () -> "UP".equals(
                    gateway.health().path("subsystems").path("deploy").path("status").asText()));
        }
    }

    /** Replaces a watched file in one step, as an operator's `cp` over it or an atomic mv would. */
    private static void copyOver(Path source, Path target) throws Exception {
        Path tmp = target.resolveSibling(".incoming.tmp");
        Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
        // a later modification time than the first copy, even on coarse-grained file systems
        Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
