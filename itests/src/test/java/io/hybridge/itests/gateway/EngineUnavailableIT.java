package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.hybridge.itests.support.Docker;
import io.hybridge.itests.support.Engines;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Wait;

/**
 * The gateway's engine socket answers nothing at first: the gateway is ready all the same, its
 * workload reports engine-unavailable naming the socket, and when the engine appears there (a
 * socat relay to the real engine, started late) the workload is started without anyone's help.
 */
class EngineUnavailableIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void workloadsWaitForTheEngineAndStartWhenItAppears() throws Exception {
        String image = Docker.busybox();
        Path socat = Engines.requireExecutable("/usr/bin/socat", "socat");
        Path socket = dir.resolve("engine.sock");
        String gatewayId = null;
        Process relay = null;
        try (GatewayProcess gateway = GatewayProcess.install(dir, "gw")) {
            Files.writeString(gateway.home().resolve("etc/config/io.hybridge.runtime.container.config"),
                    "engineUri=\"unix://" + socket + "\"\n");
            gateway.startAndAwaitReady();
            gatewayId = Files.readString(gateway.home().resolve("var/workloads/gateway-id")).trim();
            Files.writeString(gateway.home().resolve("deploy/waiter.workload.json"), """
                    {"name": "waiter", "image": {"reference": "%s", "pullPolicy": "never"}, "command": ["sleep", "3600"]}
                    """.formatted(image));

            JsonNode waiting = Wait.until("waiter engine-unavailable", DEADLINE, () -> {
                JsonNode workload = workloads(gateway).path("waiter");
                return "engine-unavailable".equals(workload.path("state").asText()) ? workload : null;
            });
            assertThat(waiting.path("message").asText()).contains(socket.toString());
            assertThat(gateway.healthStatusCode()).isEqualTo(200);
            assertThat(gateway.health().path("subsystems").path("container-runtime").path("status").asText()).isEqualTo("DEGRADED");

            relay = new ProcessBuilder(socat.toString(), "UNIX-LISTEN:" + socket + ",fork", "UNIX-CONNECT:/var/run/docker.sock")
                    .redirectErrorStream(true).start();
            Wait.until("waiter running once the engine appears", DEADLINE,
                    () -> "running".equals(workloads(gateway).path("waiter").path("state").asText()));
            assertThat(Docker.containers("io.hybridge.gateway=" + gatewayId, "io.hybridge.workload=waiter")).hasSize(1);
        } finally {
            if (relay != null) {
                relay.destroy();
            }
            if (gatewayId != null) {
                Docker.removeAll("io.hybridge.gateway=" + gatewayId);
            }
        }
    }

    private static JsonNode workloads(GatewayProcess gateway) {
        return gateway.health().path("subsystems").path("workloads").path("details").path("workloads");
    }
}
