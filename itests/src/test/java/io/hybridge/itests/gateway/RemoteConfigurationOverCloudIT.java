package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Wait;

/**
 * CONF-V2 end to end: a Kapua-style client reconfigures a running gateway through the cloud
 * broker. Bad input gets a 400 naming the field and changes nothing; an update of several PIDs is
 * all-or-nothing; a sensor route created remotely starts moving data; a rollback removes it
 * again; passwords never come back in clear.
 */
class RemoteConfigurationOverCloudIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String ACCOUNT = "acme";
    private static final String GW = "gw-conf";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void reconfiguresTheGatewayRemotelyAllOrNothing() throws Exception {
        Mosquitto.require();
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/" + GW + "/MQTT/#", ACCOUNT + "/#")) {
            GatewayProcess gateway = GatewayProcess.install(dir, "gw")
                    .env("HYBRIDGE_CLOUD_URI", broker.uri())
                    .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                    .env("HYBRIDGE_CLIENT_ID", GW);
            Path config = gateway.home().resolve("etc/config");
            Files.writeString(config.resolve("io.hybridge.cloud.config"), """
                    username="%s"
                    password="%s"
                    """.formatted(CloudBroker.USER, CloudBroker.PASSWORD));
            Files.writeString(config.resolve("io.hybridge.broker.account-sensor.config"), """
                    username="sensor"
                    password="sensor-pass"
                    publish=["sensors/#"]
                    """);
            try (gateway) {
                gateway.startAndAwaitReady();
                KapuaClient.Received birth = kapua.await("BIRTH", DEADLINE, ("$EDC/acme/" + GW + "/MQTT/BIRTH")::equals);
                assertThat((String) birth.metric("application_ids")).contains("CONF-V2");

                // what is configurable, with Metatype
                JsonNode components = body(request(kapua, "GET/configurableComponents", null));
                assertThat(components.path("pids").toString()).contains("io.hybridge.cloud", "io.hybridge.broker");

                // the cloud password is configured, but never comes back in clear
                JsonNode cloud = body(request(kapua, "POST/configurableComponents/configurations/byPid",
                        "{\"pids\":[\"io.hybridge.cloud\"]}"));
                assertThat(cloud.toString()).doesNotContain(CloudBroker.PASSWORD);
                assertThat(cloud.at("/configs/0/properties/password/type").asText()).isEqualTo("PASSWORD");
                assertThat(cloud.at("/configs/0/definition/ad").size()).isPositive();

                // a wrong type: 400 naming the PID, field, value and what is allowed; nothing applied
                int port = gateway.mqttPort();
                KapuaClient.Received wrongType = request(kapua, "PUT/configurableComponents/configurations/_update", """
                        {"configs":[{"pid":"io.hybridge.broker","properties":{"port":{"type":"INTEGER","value":"abc"}}}]}""");
                assertThat(wrongType.metric("response.code")).isEqualTo(400);
                assertThat((String) wrongType.metric("response.exception.message"))
                        .contains("io.hybridge.broker").contains("port").contains("abc").contains("1..65535");

                // two PIDs, the second out of range: neither is applied
                KapuaClient.Received halfBad = request(kapua, "PUT/configurableComponents/configurations/_update", """
                        {"configs":[
                          {"pid":"io.hybridge.config","properties":{"snapshots.max":{"type":"INTEGER","value":7}}},
                          {"pid":"io.hybridge.broker","properties":{"port":{"type":"INTEGER","value":70000}}}]}""");
                assertThat(halfBad.metric("response.code")).isEqualTo(400);
                assertThat((String) halfBad.metric("response.exception.message")).contains("70000");
                JsonNode configPid = body(request(kapua, "POST/configurableComponents/configurations/byPid",
                        "{\"pids\":[\"io.hybridge.config\"]}"));
                assertThat(configPid.at("/configs/0/properties/snapshots.max/value").asInt()).isEqualTo(10);
                assertThat(Mosquitto.publish(port, "sensor", "sensor-pass", "sensors/probe", "still here").ok())
                        .as("broker still on its port").isTrue();

                // malformed JSON: 400, connection stays up
                KapuaClient.Received malformed = request(kapua, "PUT/configurableComponents/configurations/_update",
                        "{\"configs\": [");
                assertThat(malformed.metric("response.code")).isEqualTo(400);

                // a sensor route created remotely starts forwarding
                int before = snapshots(kapua).size();
                KapuaClient.Received created = request(kapua, "POST/factoryComponents", """
                        {"configs":[{"factoryPid":"io.hybridge.cloud.route","pid":"remote",
                          "properties":{"local.topic":{"type":"STRING","value":"sensors/#"},
                                        "cloud.app":{"type":"STRING","value":"TELEMETRY"},
                                        "payload.format":{"type":"STRING","value":"raw"}}}]}""");
                assertThat(created.metric("response.code")).as(String.valueOf(created.metric("response.exception.message")))
                        .isEqualTo(200);
                KapuaClient.Received forwarded = Wait.until("remotely created route forwards", DEADLINE, () -> {
                    Mosquitto.publish(port, "sensor", "sensor-pass", "sensors/room1", "21.5");
                    return kapua.received().stream().filter(r -> r.topic().equals("acme/" + GW + "/TELEMETRY/sensors/room1"))
                            .findFirst().orElse(null);
                });
                assertThat(new String(forwarded.bytes())).isEqualTo("21.5");
                assertThat(snapshots(kapua).size()).as("a snapshot per change").isGreaterThan(before);

                // roll back: the route is gone again
                KapuaClient.Received rollback = request(kapua, "EXEC/snapshots/_rollback", null);
                assertThat(rollback.metric("response.code")).isEqualTo(200);
                JsonNode pids = body(request(kapua, "GET/configurableComponents", null));
                assertThat(pids.path("pids").toString()).doesNotContain("io.hybridge.cloud.route~remote");
            }
        }
    }

    private static KapuaClient.Received request(KapuaClient kapua, String verbAndResource, String body) throws Exception {
        return kapua.request(ACCOUNT, GW, "CONF-V2", verbAndResource, body, DEADLINE);
    }

    private static JsonNode body(KapuaClient.Received reply) throws Exception {
        assertThat(reply.metric("response.code")).as(String.valueOf(reply.metric("response.exception.message")))
                .isEqualTo(200);
        return JSON.readTree(reply.body());
    }

    private static JsonNode snapshots(KapuaClient kapua) throws Exception {
        return body(request(kapua, "GET/snapshots", null)).path("ids");
    }
}
