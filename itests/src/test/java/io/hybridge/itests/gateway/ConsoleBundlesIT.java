package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.hybridge.itests.support.ConsoleClient;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.TestBundles;
import io.hybridge.itests.support.Wait;

/** Installing, updating, starting, stopping and removing bundles through the web console. */
class ConsoleBundlesIT {

    private static final String PASSWORD = "itest-Console-1";
    private static final String BSN = "io.hybridge.itest.uploaded";

    @TempDir
    Path dir;

    @Test
    void uploadInstallsAndStartsThenUpdateStopStartAndUninstallWork() throws Exception {
        Path v1 = TestBundles.bundle(dir, BSN, "1.0.0");
        Path v2 = TestBundles.bundle(dir, BSN, "1.1.0");
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", PASSWORD)
                .startAndAwaitReady()) {
            ConsoleClient console = gateway.console(PASSWORD);

            assertThat(console.install(v1, true).statusCode()).isIn(200, 302);
            JsonNode installed = awaitState(console, "Active");
            assertThat(installed.path("version").asText()).isEqualTo("1.0.0");
            long id = installed.path("id").asLong();

            assertThat(console.install(v2, true).statusCode()).isIn(200, 302);
            JsonNode updated = Wait.until("bundle updated to 1.1.0", Duration.ofSeconds(20),
                    () -> console.bundle(BSN).filter(b -> "1.1.0".equals(b.path("version").asText())).orElse(null));
            assertThat(updated.path("id").asLong()).as("an update keeps the bundle id").isEqualTo(id);

            assertThat(console.bundleAction(id, "stop").statusCode()).isEqualTo(200);
            awaitState(console, "Resolved");
            assertThat(console.bundleAction(id, "start").statusCode()).isEqualTo(200);
            awaitState(console, "Active");

            // survives a restart, still active
            gateway.stop();
            gateway.startAndAwaitReady();
            assertThat(awaitState(console, "Active").path("version").asText()).isEqualTo("1.1.0");

            assertThat(console.bundleAction(id, "uninstall").statusCode()).isEqualTo(200);
            Wait.until("bundle uninstalled", Duration.ofSeconds(20), () -> console.bundle(BSN).isEmpty());
            // the uninstall refreshes packages: bundles restart for a moment, the framework
            // subsystem reports that (DEGRADED) and then recovers
            try {
                Wait.until("gateway UP again after the uninstall", Duration.ofSeconds(20),
                        () -> "UP".equals(gateway.health().path("status").asText()) ? true : null);
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; health: " + gateway.health(), e);
            }
        }
    }

    @Test
    void aCorruptUploadIsRefusedWithItsNameAndDisturbsNothing() throws Exception {
        Path corrupt = TestBundles.corruptJar(dir, "broken-upload.jar");
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", PASSWORD)
                .startAndAwaitReady()) {
            ConsoleClient console = gateway.console(PASSWORD);
            int bundlesBefore = console.bundles().size();

            var response = console.install(corrupt, true);

            Wait.until("the log names the corrupt upload and why", Duration.ofSeconds(20),
                    () -> gateway.log().contains("broken-upload.jar"));
            assertThat(response.statusCode()).isIn(200, 302, 400, 500);
            assertThat(console.bundles().size()).isEqualTo(bundlesBefore);
            assertThat(gateway.healthStatusCode()).isEqualTo(200);
            assertThat(gateway.health().path("subsystems").path("framework").path("status").asText()).isEqualTo("UP");
        }
    }

    private static JsonNode awaitState(ConsoleClient console, String state) {
        return Wait.until(BSN + " " + state, Duration.ofSeconds(20),
                () -> console.bundle(BSN).filter(b -> state.equals(b.path("state").asText())).orElse(null));
    }
}
