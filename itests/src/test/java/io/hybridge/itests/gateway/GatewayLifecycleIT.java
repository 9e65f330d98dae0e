package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Ports;
import io.hybridge.itests.support.Wait;

/** Start, stop and relocation of the installation as an operator uses it. */
class GatewayLifecycleIT {

    @TempDir
    Path dir;

    @Test
    void sigtermShutsDownCleanly() throws Exception {
        GatewayProcess gateway = GatewayProcess.install(dir, "gw").startAndAwaitReady();
        int exit = gateway.stop();
        assertThat(exit).as("SIGTERM exit status").isIn(0, 143);
        assertThat(gateway.log()).contains("stopping Hybridge").contains("Hybridge stopped");
        assertThat(Ports.listening(gateway.httpPort())).isFalse();
        assertThat(Ports.listening(gateway.mqttPort())).isFalse();
    }

    @Test
    void twoCopiesOfTheInstallationAreIndependentGateways() throws Exception {
        try (GatewayProcess first = GatewayProcess.install(dir, "first").start();
                GatewayProcess second = GatewayProcess.install(dir, "second").start()) {
            first.awaitReady();
            second.awaitReady();
            String firstPassword = generatedPassword(first);
            String secondPassword = generatedPassword(second);
            assertThat(firstPassword).isNotEqualTo(secondPassword);
            assertThat(first.console(firstPassword).get("/system/console/bundles").statusCode()).isEqualTo(200);
            assertThat(first.console(secondPassword).get("/system/console/bundles").statusCode()).isEqualTo(401);
            assertThat(first.log()).contains(first.home().toString()).doesNotContain(second.home().toString());
        }
    }

    @Test
    void theDaemonCommandsStartReportAndStopTheGateway() throws Exception {
        GatewayProcess gateway = GatewayProcess.install(dir, "daemon");
        Path script = gateway.home().resolve("bin/hybridge");
        try {
            assertThat(run(gateway, script, "start").exitCode).isZero();
            Wait.until("daemon ready", GatewayProcess.START_DEADLINE, () -> gateway.healthStatusCode() == 200);
            assertThat(Files.readString(gateway.home().resolve("var/hybridge.pid")).trim()).matches("\\d+");
            Result status = run(gateway, script, "status");
            assertThat(status.exitCode).isZero();
            assertThat(status.output).contains("Hybridge runs");
        } finally {
            Result stop = run(gateway, script, "stop");
            assertThat(stop.output).contains("Hybridge stopped");
        }
        Result after = run(gateway, script, "status");
        assertThat(after.exitCode).isEqualTo(3);
        assertThat(gateway.healthStatusCode()).isEqualTo(-1);
    }

    private record Result(int exitCode, String output) {
    }

    private static Result run(GatewayProcess gateway, Path script, String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(script.toString(), command).redirectErrorStream(true);
        builder.environment().put("HYBRIDGE_HTTP_PORT", Integer.toString(gateway.httpPort()));
        builder.environment().put("HYBRIDGE_MQTT_PORT", Integer.toString(gateway.mqttPort()));
        builder.environment().remove("HYBRIDGE_ADMIN_PASSWORD");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/hybridge " + command + " finished").isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static String generatedPassword(GatewayProcess gateway) throws java.io.IOException {
        return Files.readString(gateway.home().resolve("var/admin.password")).trim();
    }
}
