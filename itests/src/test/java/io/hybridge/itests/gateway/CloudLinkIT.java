package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Wait;

/**
 * The cloud link against a real Mosquitto as the cloud broker, observed by a Kapua-style client
 * that shares no code with the gateway: lifecycle messages (BIRTH with real metrics, DC on a
 * clean stop, LWT after kill -9), the request channel's answers to bad input, authentication
 * failures reported as such, TLS, and the gateway running locally when no cloud is configured.
 */
class CloudLinkIT {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String ACCOUNT = "acme";

    @TempDir
    Path dir;

    private GatewayProcess gateway(String name, String clientId, String uri) throws Exception {
        return GatewayProcess.install(dir, name)
                .env("HYBRIDGE_CLOUD_URI", uri)
                .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                .env("HYBRIDGE_CLIENT_ID", clientId)
                .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD);
    }

    @Test
    void announcesItselfAndSaysGoodbyeCleanlyOrByLastWill() throws Exception {
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/#")) {
            GatewayProcess gateway = gateway("gw", "gw-birth", broker.uri());
            try (gateway) {
                gateway.startAndAwaitReady();
                KapuaClient.Received birth = kapua.await("BIRTH", DEADLINE,
                        "$EDC/acme/gw-birth/MQTT/BIRTH"::equals);
                assertThat((String) birth.metric("os")).isEqualTo("Linux");
                assertThat((String) birth.metric("os_arch")).isNotBlank();
                assertThat((String) birth.metric("jvm_version")).isNotBlank();
                assertThat((String) birth.metric("model_id")).isNotBlank().isNotEqualTo("unknown");
                assertThat((String) birth.metric("serial_number")).isNotBlank();
                assertThat((Integer) birth.metric("available_processors"))
                        .isEqualTo(Runtime.getRuntime().availableProcessors());
                assertThat((Long) birth.metric("uptime")).isPositive();
                assertThat((Long) birth.metric("total_memory")).isPositive();
                assertThat((String) birth.metric("connection_ip")).isEqualTo("127.0.0.1");
                assertThat(birth.metric("application_ids")).isInstanceOf(String.class);
                assertThat(birth.payload().getTimestamp()).isPositive();

                JsonNode cloud = gateway.health().path("subsystems").path("cloud");
                assertThat(cloud.path("status").asText()).as(cloud.toString()).isEqualTo("UP");
                assertThat(cloud.path("details").path("connected").asBoolean()).isTrue();

                assertThat(gateway.stop()).as("SIGTERM exit status").isIn(0, 143);
                KapuaClient.Received dc = kapua.await("DC", DEADLINE, "$EDC/acme/gw-birth/MQTT/DC"::equals);
                assertThat((Long) dc.metric("uptime")).isPositive();
                assertThat(kapua.received()).noneMatch(r -> r.topic().endsWith("/MQTT/LWT"));

                // a crash leaves the goodbye to the broker: the will
                gateway.startAndAwaitReady();
                kapua.await("second BIRTH", DEADLINE, "$EDC/acme/gw-birth/MQTT/BIRTH"::equals); // the first was taken above
                gateway.kill();
                KapuaClient.Received lwt = kapua.await("LWT", Duration.ofSeconds(90),
                        "$EDC/acme/gw-birth/MQTT/LWT"::equals);
                assertThat(lwt.payload().getMetricCount()).isPositive();
            }
        }
    }

    @Test
    void answersBadRequestsWithErrorsAndStaysConnected() throws Exception {
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/#")) {
            GatewayProcess gateway = gateway("gw", "gw-req", broker.uri());
            try (gateway) {
                gateway.startAndAwaitReady();
                kapua.await("BIRTH", DEADLINE, "$EDC/acme/gw-req/MQTT/BIRTH"::equals);

                // unknown management app: 404 naming it
                KapuaClient.Received unknown = kapua.request(ACCOUNT, "gw-req", "NOPE-V1", "GET/things", null, DEADLINE);
                assertThat(unknown.metric("response.code")).isEqualTo(404);
                assertThat((String) unknown.metric("response.exception.message")).contains("NOPE-V1");

                // not a KuraPayload at all: the error goes to the gateway's own REPLY/_invalid
                kapua.publish("$EDC/acme/gw-req/CONF-V2/GET/configurableComponents",
                        "{not protobuf".getBytes(StandardCharsets.UTF_8));
                KapuaClient.Received garbage = kapua.await("error for the malformed payload", DEADLINE,
                        t -> t.startsWith("$EDC/acme/gw-req/") && t.endsWith("/REPLY/_invalid"));
                assertThat(garbage.metric("response.code")).isEqualTo(400);
                assertThat((String) garbage.metric("response.exception.message")).contains("KuraPayload");

                // a KuraPayload without request.id: the requester still hears why
                kapua.subscribe("$EDC/acme/" + kapua.clientId() + "/#");
                kapua.publish("$EDC/acme/gw-req/CONF-V2/GET/configurableComponents",
                        io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.newBuilder()
                                .addMetric(KapuaClient.string("requester.client.id", kapua.clientId()))
                                .build().toByteArray());
                KapuaClient.Received missingId = kapua.await("error for the missing request.id", DEADLINE,
                        ("$EDC/acme/" + kapua.clientId() + "/CONF-V2/REPLY/_invalid")::equals);
                assertThat((String) missingId.metric("response.exception.message")).contains("request.id");

                // still the first connection, still answering
                JsonNode cloud = gateway.health().path("subsystems").path("cloud");
                assertThat(cloud.path("details").path("reconnects").asLong()).isZero();
                assertThat(cloud.path("details").path("requestsRefused").asLong()).isGreaterThanOrEqualTo(3);
                KapuaClient.Received again = kapua.request(ACCOUNT, "gw-req", "NOPE-V1", "GET/x", null, DEADLINE);
                assertThat(again.metric("response.code")).isEqualTo(404);
            }
        }
    }

    @Test
    void reportsAuthenticationFailuresDistinctlyAndConnectsOverTls() throws Exception {
        try (CloudBroker broker = CloudBroker.startWithTls(dir.resolve("broker"));
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/#")) {
            GatewayProcess wrong = gateway("wrong", "gw-wrong", broker.uri()).env("HYBRIDGE_CLOUD_PASSWORD", "nope");
            try (wrong) {
                wrong.startAndAwaitReady();
                JsonNode cloud = Wait.until("authentication failure reported", DEADLINE, () -> {
                    JsonNode c = wrong.health().path("subsystems").path("cloud");
                    return c.path("details").path("authenticationFailure").asBoolean() ? c : null;
                });
                assertThat(cloud.path("status").asText()).isEqualTo("DEGRADED");
                assertThat(cloud.path("message").asText()).contains("authentication failed");
                assertThat(wrong.health().path("ready").asBoolean()).as("a cloud problem does not stop the gateway")
                        .isTrue();
            }

            GatewayProcess tls = gateway("tls", "gw-tls", broker.tlsUri());
            Files.writeString(tls.home().resolve("etc/config/io.hybridge.cloud.config"), """
                    truststore.path="%s"
                    truststore.password="%s"
                    """.formatted(broker.truststore(), new String(CloudBroker.TRUSTSTORE_PASSWORD)));
            try (tls) {
                tls.startAndAwaitReady();
                kapua.await("BIRTH over TLS", DEADLINE, "$EDC/acme/gw-tls/MQTT/BIRTH"::equals);
                assertThat(tls.health().path("subsystems").path("cloud").path("details").path("uri").asText())
                        .startsWith("ssl://");
            }
        }
    }

    @Test
    void speaksMqtt5() throws Exception {
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/#")) {
            GatewayProcess v5 = gateway("v5", "gw-v5", broker.uri());
            Files.writeString(v5.home().resolve("etc/config/io.hybridge.cloud.config"), "mqtt.version=\"5\"\n");
            try (v5) {
                v5.startAndAwaitReady();
                // the configuration file may arrive after a first connection on the default version:
                // wait for the link that speaks MQTT 5, then for its BIRTH
                Wait.until("connected over MQTT 5", DEADLINE, () -> {
                    JsonNode details = v5.health().path("subsystems").path("cloud").path("details");
                    return "5".equals(details.path("mqttVersion").asText()) && details.path("connected").asBoolean();
                });
                kapua.await("BIRTH over MQTT 5", DEADLINE, "$EDC/acme/gw-v5/MQTT/BIRTH"::equals);
                KapuaClient.Received reply = kapua.request(ACCOUNT, "gw-v5", "NOPE-V1", "GET/x", null, DEADLINE);
                assertThat(reply.metric("response.code")).isEqualTo(404);
                assertThat(v5.stop()).isIn(0, 143);
                kapua.await("DC over MQTT 5", DEADLINE, "$EDC/acme/gw-v5/MQTT/DC"::equals);
            }
        }
    }

    @Test
    void runsLocallyWhenNoCloudIsConfigured() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.install(dir, "local")) {
            gateway.startAndAwaitReady();
            JsonNode cloud = gateway.health().path("subsystems").path("cloud");
            assertThat(cloud.path("status").asText()).isEqualTo("DISABLED");
            assertThat(cloud.path("message").asText()).contains("no cloud configured").contains("HYBRIDGE_CLOUD_URI");
            // the cloud's absence costs nothing: the overall status is what the other subsystems make it
            JsonNode subsystems = Wait.until("every subsystem settled", DEADLINE, () -> {
                JsonNode all = gateway.health().path("subsystems");
                for (JsonNode subsystem : all) {
                    if ("STARTING".equals(subsystem.path("status").asText())) {
                        return null;
                    }
                }
                return all;
            });
            java.util.List<String> order = java.util.List.of("UP", "DISABLED", "DEGRADED", "DOWN");
            String worst = "UP";
            for (java.util.Iterator<java.util.Map.Entry<String, JsonNode>> it = subsystems.fields(); it.hasNext();) {
                java.util.Map.Entry<String, JsonNode> entry = it.next();
                String status = entry.getValue().path("status").asText();
                if (!entry.getKey().equals("cloud") && !status.equals("DISABLED") && order.indexOf(status) > order.indexOf(worst)) {
                    worst = status;
                }
            }
            assertThat(gateway.health().path("status").asText()).as(gateway.health().toString()).isEqualTo(worst);
        }
    }
}
