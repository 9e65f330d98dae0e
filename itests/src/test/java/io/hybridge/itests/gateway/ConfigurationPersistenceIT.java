package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.ConsoleClient;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Wait;

/** A configuration set through Config Admin (here: the console's configuration page) survives a restart. */
class ConfigurationPersistenceIT {

    private static final String PASSWORD = "itest-Config-1";
    private static final String PI = "raspberry-pi-4b-4gb";

    @TempDir
    Path dir;

    @Test
    void theDeviceProfileChosenInTheConsoleSurvivesARestart() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw").env("HYBRIDGE_ADMIN_PASSWORD", PASSWORD)
                .startAndAwaitReady()) {
            ConsoleClient console = gateway.console(PASSWORD);
            assertThat(activeProfile(console)).isNotEqualTo(PI);

            Map<String, String> form = new LinkedHashMap<>();
            form.put("apply", "true");
            form.put("action", "ajaxConfigManager");
            form.put("propertylist", "profile");
            form.put("profile", PI);
            var response = console.post("/system/console/configMgr/io.hybridge.device", form);
            assertThat(response.statusCode()).as(response.body()).isIn(200, 302);
            Wait.until("profile " + PI + " active", Duration.ofSeconds(30), () -> PI.equals(activeProfile(console)));

            gateway.stop();
            gateway.startAndAwaitReady();
            Wait.until("profile " + PI + " active after the restart", Duration.ofSeconds(30),
                    () -> PI.equals(activeProfile(console)));
            assertThat(console.get("/system/console/device").body()).contains("Raspberry Pi 4");
        }
    }

    private static String activeProfile(ConsoleClient console) {
        String page = console.get("/system/console/device").body();
        int start = page.indexOf("id='device-profile-id'>");
        if (start < 0) {
            return null;
        }
        start += "id='device-profile-id'>".length();
        return page.substring(start, page.indexOf('<', start));
    }
}
