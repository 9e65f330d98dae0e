package io.hybridge.config.internal.confv2;

import static io.hybridge.config.internal.TestGateway.ACCOUNT;
import static io.hybridge.config.internal.TestGateway.BROKER;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.Verb;
import io.hybridge.config.internal.Json;
import io.hybridge.config.internal.TestGateway;

/** Kura's CONF-V2 resources and JSON shapes, request to reply. */
class ConfV2HandlerTest {

    @TempDir
    Path dir;

    TestGateway gateway;
    ConfV2Handler handler;

    @BeforeEach
    void gateway() throws Exception {
        gateway = new TestGateway(dir, 10);
        gateway.configAdmin.put(BROKER, Map.of("host", "0.0.0.0", "port", 1883, "secret", "s3cret!"));
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw1",
                "publish", new String[] {"sensors/s1/#"}));
        handler = new ConfV2Handler(null, gateway.service);
    }

    private CloudResponse call(Verb verb, String path, String body) {
        KuraPayload.Builder payload = KuraPayload.builder();
        if (body != null) {
            payload.body(body.getBytes(StandardCharsets.UTF_8));
        }
        return handler.handle(new CloudRequest("CONF-V2", verb, List.of(path.split("/")), "req-1", "cloud-app",
                payload.build()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CloudResponse response) throws Exception {
        assertThat(response.code()).as(response.exceptionMessage()).isEqualTo(200);
        return (Map<String, Object>) Json.parse(new String(response.payload().body(), StandardCharsets.UTF_8));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> config(Map<String, Object> list, String pid) {
        return ((List<Map<String, Object>>) list.get("configs")).stream().filter(c -> pid.equals(c.get("pid")))
                .findFirst().orElseThrow(() -> new AssertionError("no " + pid + " in " + list));
    }

    @Test
    void listsTheConfigurablePids() throws Exception {
        assertThat(json(call(Verb.GET, "configurableComponents", null)))
                .isEqualTo(Map.of("pids", List.of(BROKER, ACCOUNT + "~s1")));
        assertThat(json(call(Verb.GET, "configurableComponents/pidsWithFactory", null))).isEqualTo(Map.of("components",
                List.of(Map.of("pid", BROKER), Map.of("pid", ACCOUNT + "~s1", "factoryPid", ACCOUNT))));
        assertThat(json(call(Verb.GET, "factoryComponents", null))).isEqualTo(Map.of("pids", List.of(ACCOUNT)));
    }

    @Test
    void configurationsComeWithTheirDefinitionAndTypedPropertiesAndMaskedPasswords() throws Exception {
        Map<String, Object> broker = config(json(call(Verb.GET, "configurableComponents/configurations", null)), BROKER);

        assertThat(broker.get("properties")).isEqualTo(Map.of(
                "host", Map.of("type", "STRING", "value", "0.0.0.0"),
                "port", Map.of("type", "INTEGER", "value", 1883),
                "secret", Map.of("type", "PASSWORD", "value", "placeholder"),
                "service.pid", Map.of("type", "STRING", "value", BROKER)));
        @SuppressWarnings("unchecked")
        Map<String, Object> definition = (Map<String, Object>) broker.get("definition");
        assertThat(definition).containsEntry("id", "BrokerConfig").containsEntry("name", "BrokerConfig name");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> ads = (List<Map<String, Object>>) definition.get("ad");
        assertThat(ads).extracting(a -> a.get("id")).containsExactly("enabled", "host", "port", "mode", "secret");
        assertThat(ads.get(2)).isEqualTo(Map.of("id", "port", "name", "port", "description", "the port",
                "type", "INTEGER", "cardinality", 0, "min", "1", "max", "65535", "isRequired", false));
        assertThat(ads.get(3)).containsEntry("defaultValue", "fast").containsEntry("isRequired", true)
                .containsEntry("option", List.of(Map.of("label", "fast", "value", "fast"),
                        Map.of("label", "safe", "value", "safe")));

        Map<String, Object> account = config(json(call(Verb.POST, "configurableComponents/configurations/byPid",
                "{\"pids\": [\"" + ACCOUNT + "~s1\", \"io.hybridge.unknown\"]}")), ACCOUNT + "~s1");
        assertThat(account.get("properties")).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsEntry("password", Map.of("type", "PASSWORD", "value", "placeholder"))
                .containsEntry("publish", Map.of("type", "STRING", "value", List.of("sensors/s1/#")))
                .containsEntry("service.factoryPid", Map.of("type", "STRING", "value", ACCOUNT));
    }

    @Test
    void unknownPidsAreLeftOutOfReadsAsInKura() throws Exception {
        assertThat(json(call(Verb.POST, "configurableComponents/configurations/byPid", "{\"pids\": [\"nope\"]}")))
                .isEqualTo(Map.of("configs", List.of()));
    }

    @Test
    void defaultsComeFromMetatype() throws Exception {
        Map<String, Object> defaults = json(call(Verb.POST, "configurableComponents/configurations/byPid/_default",
                "{\"pids\": [\"" + BROKER + "\", \"" + ACCOUNT + "\"]}"));

        assertThat(config(defaults, BROKER).get("properties")).isEqualTo(Map.of(
                "enabled", Map.of("type", "BOOLEAN", "value", true),
                "host", Map.of("type", "STRING", "value", "0.0.0.0"),
                "mode", Map.of("type", "STRING", "value", "fast")));
        assertThat(config(defaults, ACCOUNT).get("properties")).isEqualTo(Map.of(
                "publish", Map.of("type", "STRING", "value", List.of())));
    }

    @Test
    void anUpdateRoundTripsWhatAReadReturned() throws Exception {
        Map<String, Object> broker = config(json(call(Verb.POST, "configurableComponents/configurations/byPid",
                "{\"pids\": [\"" + BROKER + "\"]}")), BROKER);
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) broker.get("properties");
        properties.put("port", Map.of("type", "INTEGER", "value", 8883));
        String body = Json.write(Map.of("configs", List.of(Map.of("pid", BROKER, "properties", properties))));

        CloudResponse response = call(Verb.PUT, "configurableComponents/configurations/_update", body);

        assertThat(response.code()).as(response.exceptionMessage()).isEqualTo(200);
        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 8883).containsEntry("secret", "s3cret!");
        assertThat(gateway.service.snapshotIds()).as("takeSnapshot defaults to true").hasSize(2);
    }

    @Test
    void anInvalidUpdateIs400WithEveryProblemAndAnUnknownPid404() {
        CloudResponse invalid = call(Verb.PUT, "configurableComponents/configurations/_update",
                "{\"configs\": [{\"pid\": \"" + BROKER + "\", \"properties\": {\"port\": {\"type\": \"INTEGER\","
                        + " \"value\": \"abc\"}, \"mode\": {\"value\": \"turbo\"}}}]}");
        assertThat(invalid.code()).isEqualTo(400);
        assertThat(invalid.exceptionMessage()).isEqualTo("io.hybridge.broker: port = \"abc\" is not an Integer;"
                + " expected an integer in 1..65535; io.hybridge.broker: mode = \"turbo\" is not an allowed value;"
                + " expected one of \"fast\", \"safe\"");

        CloudResponse unknown = call(Verb.PUT, "configurableComponents/configurations/_update",
                "{\"configs\": [{\"pid\": \"io.hybridge.nope\", \"properties\": {}}]}");
        assertThat(unknown.code()).isEqualTo(404);
        assertThat(unknown.exceptionMessage()).startsWith("no configurable component io.hybridge.nope");
        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 1883);
    }

    @Test
    void malformedRequestsAreNamed() {
        assertThat(call(Verb.PUT, "configurableComponents/configurations/_update", "{\"configs\": [").exceptionMessage())
                .startsWith("the request body is not valid JSON (").contains("line 1")
                .endsWith("expected JSON like " + ConfV2Requests.UPDATE);
        assertThat(call(Verb.PUT, "configurableComponents/configurations/_update", "").exceptionMessage())
                .isEqualTo("the request has no body; expected JSON like " + ConfV2Requests.UPDATE);
        assertThat(call(Verb.POST, "configurableComponents/configurations/byPid", "[\"a\"]").exceptionMessage())
                .isEqualTo("the request body is a list, not a JSON object; expected JSON like " + ConfV2Requests.PID_SET);
        assertThat(call(Verb.POST, "configurableComponents/configurations/byPid", "{\"pid\": \"a\"}").exceptionMessage())
                .isEqualTo("missing \"pids\"; expected JSON like " + ConfV2Requests.PID_SET);
        assertThat(call(Verb.POST, "configurableComponents/configurations/byPid", "{\"pids\": [1]}").exceptionMessage())
                .isEqualTo("pids[0] = 1 is not a PID; expected JSON like " + ConfV2Requests.PID_SET);
        assertThat(call(Verb.PUT, "configurableComponents/configurations/_update",
                "{\"configs\": [{\"properties\": {}}]}").exceptionMessage())
                .isEqualTo("configs[0] has no \"pid\"; expected JSON like " + ConfV2Requests.UPDATE);
        assertThat(call(Verb.PUT, "configurableComponents/configurations/_update",
                "{\"configs\": [{\"pid\": \"" + BROKER + "\", \"properties\": {\"port\": 1883}}]}").exceptionMessage())
                .isEqualTo("configs[0].properties.port must be an object like {\"type\": \"INTEGER\", \"value\": 1883},"
                        + " not the number 1883");
        assertThat(call(Verb.PUT, "configurableComponents/configurations/_update",
                "{\"configs\": [{\"pid\": \"" + BROKER + "\", \"properties\": {\"port\": {\"type\": \"INT\"}}}]}")
                .exceptionMessage()).startsWith("configs[0].properties.port has the unknown type INT; expected one of [STRING,");
        assertThat(call(Verb.PUT, "configurableComponents/configurations/_update",
                "{\"configs\": [], \"takeSnapshot\": \"yes\"}").exceptionMessage())
                .isEqualTo("\"takeSnapshot\" = yes must be true or false");
        assertThat(call(Verb.POST, "configurableComponents/configurations/byPid", "{\"pids\": [], \"pids\": []}").code())
                .as("duplicate keys").isEqualTo(400);
        assertThat(call(Verb.POST, "snapshots/byId", "{\"id\": 1.5}").exceptionMessage())
                .isEqualTo("\"id\" = 1.5 is not a snapshot id (epoch milliseconds); expected JSON like "
                        + ConfV2Requests.SNAPSHOT_ID + "; GET/snapshots lists them");
    }

    @Test
    void unknownResourcesAreNotFoundAndNamed() {
        CloudResponse unknown = call(Verb.GET, "configurableComponents/nothing", null);
        assertThat(unknown.code()).isEqualTo(404);
        assertThat(unknown.exceptionMessage()).startsWith("no CONF-V2 resource GET/configurableComponents/nothing;"
                + " the resources are GET/configurableComponents, ");

        CloudResponse wrongVerb = call(Verb.GET, "snapshots/_write", null);
        assertThat(wrongVerb.code()).isEqualTo(404);
        assertThat(wrongVerb.exceptionMessage()).isEqualTo("no CONF-V2 resource GET/snapshots/_write;"
                + " snapshots/_write takes EXEC");
    }

    @Test
    void factoryConfigurationsAreCreatedAndDeleted() throws Exception {
        CloudResponse created = call(Verb.POST, "factoryComponents", "{\"configs\": [{\"factoryPid\": \"" + ACCOUNT
                + "\", \"pid\": \"s2\", \"properties\": {\"username\": {\"type\": \"STRING\", \"value\": \"s2\"},"
                + " \"password\": {\"type\": \"PASSWORD\", \"value\": \"pw2\"}}}], \"takeSnapshot\": false}");
        assertThat(created.code()).as(created.exceptionMessage()).isEqualTo(200);
        assertThat(gateway.configAdmin.properties(ACCOUNT + "~s2")).containsEntry("password", "pw2");
        assertThat(gateway.service.snapshotIds()).isEmpty();

        CloudResponse deleted = call(Verb.DEL, "factoryComponents/byPid", "{\"pids\": [\"" + ACCOUNT + "~s2\"]}");
        assertThat(deleted.code()).as(deleted.exceptionMessage()).isEqualTo(200);
        assertThat(gateway.configAdmin.pids()).containsExactly(BROKER, ACCOUNT + "~s1");
        assertThat(call(Verb.POST, "factoryComponents", "{\"configs\": [{\"pid\": \"s3\"}]}").exceptionMessage())
                .isEqualTo("configs[0] has no \"factoryPid\"; expected JSON like " + ConfV2Requests.CREATE);
    }

    @Test
    void factoryDefinitionsComeWithoutProperties() throws Exception {
        Map<String, Object> all = json(call(Verb.GET, "factoryComponents/ocd", null));
        assertThat(config(all, ACCOUNT)).containsOnlyKeys("pid", "definition");

        Map<String, Object> some = json(call(Verb.POST, "factoryComponents/ocd/byFactoryPid",
                "{\"pids\": [\"" + ACCOUNT + "\", \"nope\"]}"));
        assertThat(some.get("configs")).asList().hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> definition = (Map<String, Object>) config(some, ACCOUNT).get("definition");
        assertThat(definition.get("ad")).asList().anySatisfy(ad -> assertThat(ad).isEqualTo(Map.of(
                "id", "publish", "name", "publish", "description", "the publish", "type", "STRING",
                "cardinality", Integer.MAX_VALUE, "isRequired", false, "defaultValue", "")));
    }

    @Test
    void snapshotsAreWrittenListedReadAndRolledBack() throws Exception {
        long id = ((Number) json(call(Verb.EXEC, "snapshots/_write", null)).get("id")).longValue();
        assertThat(json(call(Verb.GET, "snapshots", null))).isEqualTo(Map.of("ids", List.of(id)));

        Map<String, Object> snapshot = json(call(Verb.POST, "snapshots/byId", "{\"id\": " + id + "}"));
        assertThat(config(snapshot, ACCOUNT + "~s1")).containsOnlyKeys("pid", "properties");
        assertThat(config(snapshot, ACCOUNT + "~s1").get("properties")).isEqualTo(Map.of(
                "username", Map.of("type", "STRING", "value", "s1"),
                "password", Map.of("type", "PASSWORD", "value", "placeholder"),
                "publish", Map.of("type", "STRING", "value", List.of("sensors/s1/#"))));
        assertThat(call(Verb.POST, "snapshots/byId", "{\"id\": 7}").code()).isEqualTo(404);

        gateway.clock.advanceMillis(10);
        call(Verb.PUT, "configurableComponents/configurations/_update", "{\"configs\": [{\"pid\": \"" + BROKER
                + "\", \"properties\": {\"port\": {\"type\": \"INTEGER\", \"value\": 8883}}}]}");
        assertThat(json(call(Verb.EXEC, "snapshots/_rollback", null))).isEqualTo(Map.of("id", id));
        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 1883);

        CloudResponse byId = call(Verb.EXEC, "snapshots/byId/_rollback", "{\"id\": " + id + "}");
        assertThat(byId.code()).as(byId.exceptionMessage()).isEqualTo(200);
        assertThat(byId.payload().body()).isNull();
    }
}
