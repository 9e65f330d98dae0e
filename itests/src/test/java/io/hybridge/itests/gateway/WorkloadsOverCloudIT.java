package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.Docker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Wait;

/**
 * WORKLOADS-V1 end to end: an operator manages a gateway's container workloads from the cloud
 * broker — create, status, logs, restart, refused spec, delete — against the real Docker engine.
 */
class WorkloadsOverCloudIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final String ACCOUNT = "acme";
    private static final String GW = "gw-workloads";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void managesWorkloadsFromTheCloud() throws Exception {
        Mosquitto.require();
        Docker.busybox();
        String gatewayId = null;
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/" + GW + "/MQTT/#");
                GatewayProcess gateway = GatewayProcess.install(dir, "gw")
                        .env("HYBRIDGE_CLOUD_URI", broker.uri())
                        .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                        .env("HYBRIDGE_CLIENT_ID", GW)
                        .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                        .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD)) {
            Files.writeString(gateway.home().resolve("etc/config/io.hybridge.broker.account-watcher.config"), """
                    username="watcher"
                    password="watcher-pass"
                    subscribe=["ticker/#"]
                    """);
            gateway.startAndAwaitReady();
            Mosquitto.Subscription forwarded = Mosquitto.subscribe(gateway.mqttPort(), "watcher", "watcher-pass", 120, "ticker/log");
            gatewayId = Files.readString(gateway.home().resolve("var/workloads/gateway-id")).trim();
            KapuaClient.Received birth = kapua.await("BIRTH", DEADLINE, ("$EDC/acme/" + GW + "/MQTT/BIRTH")::equals);
            assertThat((String) birth.metric("application_ids")).contains("WORKLOADS-V1");

            KapuaClient.Received created = request(kapua, "PUT/workloads/ticker", """
                    {"image": {"reference": "%s", "pullPolicy": "never"},
                     "command": ["sh", "-c", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done"],
                     "resources": {"memoryMiB": 16}, "logs": {"maxLines": 100, "forwardTopic": "ticker/log"}}
                    """.formatted(Docker.BUSYBOX));
            assertThat(created.metric("response.code")).as(created.body()).isEqualTo(200);
            assertThat(body(created).path("changed").asBoolean()).isTrue();

            JsonNode running = Wait.until("ticker running", DEADLINE, () -> {
                JsonNode status = body(request(kapua, "GET/workloads/ticker", null));
                return "running".equals(status.path("state").asText()) ? status : null;
            });
            assertThat(running.path("source").asText()).isEqualTo("cloud");
            assertThat(running.path("spec").path("image").path("reference").asText()).isEqualTo(Docker.BUSYBOX);
            String first = running.path("instances").get(0).path("instanceId").asText();
            assertThat(Docker.containers("io.hybridge.gateway=" + gatewayId, "io.hybridge.workload=ticker")).containsExactly(first);

            Wait.until("its output in the logs", DEADLINE, () -> body(request(kapua, "GET/workloads/ticker/logs", "{\"lines\": 5}"))
                    .path("lines").toString().contains("tick "));
            assertThat(body(request(kapua, "GET/workloads", null)).path("workloads").size()).isEqualTo(1);
            // each output line is also published on the local broker
            Wait.until("forwarded output on ticker/log", DEADLINE,
                    () -> forwarded.lines().stream().anyMatch(line -> line.startsWith("ticker/log tick ")));
            forwarded.close();

            assertThat(request(kapua, "EXEC/workloads/ticker/_restart", null).metric("response.code")).isEqualTo(200);
            Wait.until("a new container after the restart", DEADLINE, () -> {
                List<String> ids = Docker.containers("io.hybridge.workload=ticker", "io.hybridge.gateway=" + gatewayIdOf(gateway));
                return ids.size() == 1 && !ids.get(0).equals(first);
            });

            KapuaClient.Received refused = request(kapua, "PUT/workloads/ticker", """
                    {"image": "%s", "resources": {"memoryMiB": -5}, "restartPolicy": {"mode": "sometimes"}}
                    """.formatted(Docker.BUSYBOX));
            assertThat(refused.metric("response.code")).isEqualTo(400);
            assertThat((String) refused.metric("response.exception.message")).contains("resources.memoryMiB").contains("restartPolicy.mode");
            assertThat(body(refused).path("problems").size()).isEqualTo(2);
            assertThat(body(request(kapua, "GET/workloads/ticker", null)).path("spec").path("resources").path("memoryMiB").asInt())
                    .isEqualTo(16);

            assertThat(request(kapua, "DEL/workloads/ticker", null).metric("response.code")).isEqualTo(200);
            Wait.until("ticker's container removed", DEADLINE,
                    () -> Docker.containers("io.hybridge.workload=ticker", "io.hybridge.gateway=" + gatewayIdOf(gateway)).isEmpty());
            assertThat(request(kapua, "GET/workloads/ticker", null).metric("response.code")).isEqualTo(404);
        } finally {
            if (gatewayId != null) {
                Docker.removeAll("io.hybridge.gateway=" + gatewayId);
            }
        }
    }

    private static String gatewayIdOf(GatewayProcess gateway) {
        try {
            return Files.readString(gateway.home().resolve("var/workloads/gateway-id")).trim();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static KapuaClient.Received request(KapuaClient kapua, String verbAndResources, String body) {
        try {
            return kapua.request(ACCOUNT, GW, "WORKLOADS-V1", verbAndResources, body, Duration.ofSeconds(30));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static JsonNode body(KapuaClient.Received reply) {
        try {
            return JSON.readTree(reply.body());
        } catch (Exception e) {
            throw new AssertionError("reply body is not JSON: " + reply.body(), e);
        }
    }
}
