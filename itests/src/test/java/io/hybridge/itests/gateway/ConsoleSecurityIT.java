package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.GatewayProcess;

/** Every console page needs the admin password; there is no well-known default. */
class ConsoleSecurityIT {

    private static final List<String> PAGES = List.of("/system/console", "/system/console/bundles",
            "/system/console/bundles.json", "/system/console/configMgr", "/system/console/components",
            "/system/console/device");

    @TempDir
    Path dir;

    @Test
    void refusesMissingAndWrongCredentialsAndAcceptsTheRightOnes() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", "itest-Secret-1")
                .startAndAwaitReady()) {
            for (String page : PAGES) {
                var anonymous = gateway.console(null).get(page);
                assertThat(anonymous.statusCode()).as("no credentials on %s", page).isEqualTo(401);
            }
            var noHeader = gateway.console(null).get("/system/console/bundles");
            assertThat(noHeader.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                    v -> assertThat(v).startsWith("Basic realm="));

            assertThat(gateway.console("admin").get("/system/console/bundles").statusCode())
                    .as("the console's built-in admin/admin must not work").isEqualTo(401);
            assertThat(gateway.console("wrong").get("/system/console/bundles").statusCode()).isEqualTo(401);
            assertThat(gateway.console("").get("/system/console/bundles").statusCode()).isEqualTo(401);

            for (String page : PAGES) {
                assertThat(gateway.console("itest-Secret-1").get(page).statusCode()).as("admin on %s", page)
                        .isIn(200, 302);
            }
            assertThat(gateway.log()).contains("web console login failed for user 'admin' from 127.0.0.1");
        }
    }

    @Test
    void theHttpApiRefusesChangesThatABrowserSaysComeFromAnotherSite() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", "itest-Secret-1")
                .startAndAwaitReady()) {
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("admin:itest-Secret-1".getBytes());
            java.util.function.Function<String, Integer> snapshotWith = origin -> {
                var request = java.net.http.HttpRequest.newBuilder(gateway.url("/api/config/v2/snapshots/_write"))
                        .header("Authorization", auth).POST(java.net.http.HttpRequest.BodyPublishers.noBody());
                if (origin != null) {
                    request.header("Origin", origin);
                }
                try {
                    return http.send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            };
            // the cached Basic credentials a browser would send along with a forged form post
            assertThat(snapshotWith.apply("http://evil.example")).isEqualTo(403);
            assertThat(snapshotWith.apply("http://127.0.0.1:" + gateway.httpPort())).isEqualTo(200);
            assertThat(snapshotWith.apply(null)).as("a script sends no Origin").isEqualTo(200);
        }
    }

    @Test
    void rateLimitsRepeatedFailedLogins() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", "itest-Secret-2")
                .startAndAwaitReady()) {
            for (int i = 1; i <= 5; i++) {
                assertThat(gateway.console("guess-" + i).get("/system/console/bundles").statusCode())
                        .as("failed attempt %d", i).isEqualTo(401);
            }
            var locked = gateway.console("guess-6").get("/system/console/bundles");
            assertThat(locked.statusCode()).isEqualTo(429);
            assertThat(locked.headers().firstValue("Retry-After")).isPresent();
            // while locked out even the right password waits: a guesser learns nothing
            assertThat(gateway.console("itest-Secret-2").get("/system/console/bundles").statusCode()).isEqualTo(429);
            assertThat(gateway.log()).contains("(5 failure(s) in a row)");
        }
    }

    @Test
    void generatesAPasswordOnFirstStartReadableByTheOwnerOnly() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").startAndAwaitReady()) {
            Path passwordFile = gateway.home().resolve("var/admin.password");
            Path hashFile = gateway.home().resolve("var/security/admin.hash");
            // regression: the file was written after /health said ready, so a new user found nothing
            assertThat(passwordFile).as("password file present as soon as the gateway is ready").exists();
            String password = Files.readString(passwordFile).trim();
            assertThat(password).hasSizeGreaterThanOrEqualTo(16);
            // the first login waits for the hash, which is computed off the start-up path
            assertThat(gateway.console(password).get("/system/console/bundles").statusCode()).isEqualTo(200);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(hashFile))).isEqualTo("rw-------");
            assertThat(Files.readString(hashFile)).startsWith("pbkdf2-sha512$").doesNotContain(password);
            assertThat(gateway.log()).contains(passwordFile.toString()).doesNotContain(password);

            gateway.stop();
            gateway.startAndAwaitReady();
            assertThat(Files.readString(passwordFile).trim()).as("generated once, kept across restarts").isEqualTo(password);
            assertThat(gateway.console(password).get("/system/console/bundles").statusCode()).isEqualTo(200);
        }
    }
}
