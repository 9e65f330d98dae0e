package io.hybridge.config.internal;

import static io.hybridge.config.internal.FakeMetatype.ad;
import static io.hybridge.config.internal.FakeMetatype.ocd;
import static io.hybridge.config.internal.TestGateway.ACCOUNT;
import static io.hybridge.config.internal.TestGateway.BROKER;
import static io.hybridge.config.internal.TestGateway.change;
import static io.hybridge.config.internal.TestGateway.list;
import static io.hybridge.config.internal.TestGateway.remove;
import static io.hybridge.config.internal.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.osgi.service.metatype.AttributeDefinition.BYTE;
import static org.osgi.service.metatype.AttributeDefinition.CHARACTER;
import static org.osgi.service.metatype.AttributeDefinition.DOUBLE;
import static org.osgi.service.metatype.AttributeDefinition.INTEGER;
import static org.osgi.service.metatype.AttributeDefinition.LONG;
import static org.osgi.service.metatype.AttributeDefinition.STRING;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every Metatype rule an update is checked against, and the message each refusal gives. */
class ValidationTest {

    @TempDir
    Path snapshots;

    TestGateway gateway;

    @BeforeEach
    void gateway() throws Exception {
        gateway = new TestGateway(snapshots, 10);
        gateway.configAdmin.put(BROKER, Map.of("enabled", true, "host", "0.0.0.0", "port", 1883, "secret", "s3cret!"));
    }

    private List<String> refusal(ConfigurationChange... changes) {
        Map<String, Object> before = gateway.configAdmin.properties(BROKER);
        List<Long> snapshotsBefore = gateway.snapshots.ids();
        List<String> problems = List.of();
        try {
            gateway.service.update(List.of(changes), true);
        } catch (ConfigurationFailure failure) {
            assertThat(failure.kind()).isEqualTo(ConfigurationFailure.Kind.INVALID);
            problems = failure.problems();
        }
        assertThat(gateway.configAdmin.properties(BROKER)).as("nothing applied").isEqualTo(before);
        assertThat(gateway.snapshots.ids()).as("no snapshot for a refused change").isEqualTo(snapshotsBefore);
        return problems;
    }

    @Test
    void aValueOfTheWrongTypeIsNamedWithWhatIsAllowed() {
        assertThat(refusal(change(BROKER, set("port", "abc"))))
                .containsExactly("io.hybridge.broker: port = \"abc\" is not an Integer; expected an integer in 1..65535");
        assertThat(refusal(change(BROKER, set("port", new BigDecimal("80.5")))))
                .containsExactly("io.hybridge.broker: port = 80.5 is not an Integer; expected an integer in 1..65535");
        assertThat(refusal(change(BROKER, set("port", 3_000_000_000L))))
                .as("beyond what an Integer holds")
                .containsExactly("io.hybridge.broker: port = 3000000000 is not an Integer; expected an integer in 1..65535");
        assertThat(refusal(change(BROKER, set("enabled", "yes"))))
                .containsExactly("io.hybridge.broker: enabled = \"yes\" is not a Boolean; expected true or false");
        assertThat(refusal(change(BROKER, set("host", 42))))
                .containsExactly("io.hybridge.broker: host = 42 is not a String; expected a string");
    }

    @Test
    void numbersAndBooleansSentAsTextAreConverted() throws Exception {
        gateway.service.update(List.of(change(BROKER, set("port", "8883"), set("enabled", "false"))), true);

        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 8883).containsEntry("enabled", false);
    }

    @Test
    void aNumberOutsideMinAndMaxIsRefused() {
        assertThat(refusal(change(BROKER, set("port", 0))))
                .containsExactly("io.hybridge.broker: port = 0 is out of range; expected an integer in 1..65535");
        assertThat(refusal(change(BROKER, set("port", 65536))))
                .containsExactly("io.hybridge.broker: port = 65536 is out of range; expected an integer in 1..65535");
    }

    @Test
    void aStringsMinAndMaxAreItsLength() throws Exception {
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw"));

        assertThat(refusal(change(ACCOUNT + "~s1", set("username", ""))))
                .containsExactly("io.hybridge.broker.account~s1: username = \"\" is too short (0 characters);"
                        + " expected a string of 1..32 characters");
        assertThat(refusal(change(ACCOUNT + "~s1", set("username", "x".repeat(33)))))
                .containsExactly("io.hybridge.broker.account~s1: username = \"" + "x".repeat(33) + "\" is too long"
                        + " (33 characters); expected a string of 1..32 characters");
    }

    @Test
    void onlyAnOptionIsAccepted() {
        assertThat(refusal(change(BROKER, set("mode", "turbo"))))
                .containsExactly("io.hybridge.broker: mode = \"turbo\" is not an allowed value; expected one of \"fast\", \"safe\"");
    }

    @Test
    void aRequiredAttributeCannotBeRemovedNorLeftOutOfANewConfiguration() {
        assertThat(refusal(change(BROKER, remove("host"))))
                .containsExactly("io.hybridge.broker: host is required and cannot be removed; expected a string");

        assertThatThrownBy(() -> gateway.service.createFactoryConfigurations(List.of(
                new NewFactoryInstance(ACCOUNT, "s2", List.of(set("password", "pw")))), true))
                .isInstanceOf(ConfigurationFailure.class)
                .hasMessage("io.hybridge.broker.account~s2: username is required and has no value;"
                        + " expected a string of 1..32 characters");
        assertThat(gateway.configAdmin.pids()).containsExactly(BROKER);
    }

    @Test
    void anOptionalAttributeCanBeRemoved() throws Exception {
        gateway.service.update(List.of(change(BROKER, remove("port"))), true);

        assertThat(gateway.configAdmin.properties(BROKER)).doesNotContainKey("port").containsEntry("host", "0.0.0.0");
    }

    @Test
    void cardinalityDecidesBetweenOneValueAndAList() throws Exception {
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw"));
        gateway.metatype.pid("io.hybridge.limits", ocd("Limits")
                .ad(ad("ports", INTEGER).cardinality(2).range("1", "10")));

        assertThat(refusal(change(BROKER, set("port", list(1, 2)))))
                .containsExactly("io.hybridge.broker: port = [1, 2] is a list; expected a single value, an integer in 1..65535");
        assertThat(refusal(change("io.hybridge.limits", set("ports", list(1, 2, 3)))))
                .containsExactly("io.hybridge.limits: ports has 3 values; expected a list of at most 2 values, each an"
                        + " integer in 1..10");
        assertThat(refusal(change("io.hybridge.limits", set("ports", list(1, 11)))))
                .containsExactly("io.hybridge.limits: ports[1] = 11 is out of range; expected an integer in 1..10");
        assertThat(refusal(change(ACCOUNT + "~s1", set("publish", list("a/#", null)))))
                .containsExactly("io.hybridge.broker.account~s1: publish[1] is null; expected a string");

        gateway.service.update(List.of(change(ACCOUNT + "~s1", set("publish", "sensors/#"))), true);
        assertThat((String[]) gateway.configAdmin.properties(ACCOUNT + "~s1").get("publish"))
                .as("one value for a list is a list of one").containsExactly("sensors/#");
        gateway.service.update(List.of(change("io.hybridge.limits", set("ports", list(1, "2")))), true);
        assertThat((Integer[]) gateway.configAdmin.properties("io.hybridge.limits").get("ports")).containsExactly(1, 2);
    }

    @Test
    void aNegativeCardinalityIsAList() throws Exception {
        gateway.metatype.pid("io.hybridge.vector", ocd("Vector").ad(ad("names", STRING).cardinality(-5)));

        gateway.service.update(List.of(change("io.hybridge.vector", set("names", list("a", "b")))), true);

        assertThat(gateway.configAdmin.properties("io.hybridge.vector").get("names")).isEqualTo(List.of("a", "b"));
    }

    @Test
    void everyTypeConverts() throws Exception {
        gateway.metatype.pid("io.hybridge.types", ocd("Types")
                .ad(ad("big", LONG)).ad(ad("ratio", DOUBLE)).ad(ad("small", BYTE)).ad(ad("letter", CHARACTER)));

        gateway.service.update(List.of(change("io.hybridge.types", set("big", 9_000_000_000L),
                set("ratio", new BigDecimal("0.25")), set("small", "-5"), set("letter", "x"))), true);

        assertThat(gateway.configAdmin.properties("io.hybridge.types")).containsEntry("big", 9_000_000_000L)
                .containsEntry("ratio", 0.25).containsEntry("small", (byte) -5).containsEntry("letter", 'x');
        assertThat(refusal(change("io.hybridge.types", set("small", 200), set("letter", "xy"))))
                .containsExactly("io.hybridge.types: small = 200 is not a Byte; expected an integer in -128..127",
                        "io.hybridge.types: letter = \"xy\" is not a single Character; expected a single character");
    }

    @Test
    void anUnknownPropertyIsNamedWithTheKnownOnes() {
        assertThat(refusal(change(BROKER, set("prot", 1883))))
                .containsExactly("io.hybridge.broker: unknown property \"prot\"; the attributes of io.hybridge.broker are:"
                        + " enabled, host, port, mode, secret");
    }

    @Test
    void referenceTargetsAndPropertiesAlreadyThereNeedNoMetatype() throws Exception {
        gateway.configAdmin.put(BROKER, Map.of("host", "h", "felix.fileinstall.filename", "file:/etc/broker.cfg"));

        gateway.service.update(List.of(change(BROKER, set("Store.target", "(name=disk)"),
                set("felix.fileinstall.filename", "file:/etc/other.cfg"), set("service.pid", "ignored"))), true);

        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("Store.target", "(name=disk)")
                .containsEntry("felix.fileinstall.filename", "file:/etc/other.cfg");
    }

    @Test
    void aDeclaredTypeMustBeTheAttributesType() throws Exception {
        assertThat(refusal(change(BROKER, set("port", PropertyType.LONG, 1883))))
                .containsExactly("io.hybridge.broker: port is declared as LONG, but the attribute is INTEGER;"
                        + " expected an integer in 1..65535");

        gateway.service.update(List.of(change(BROKER, set("secret", PropertyType.STRING, "new"))), true);
        assertThat(gateway.configAdmin.properties(BROKER)).as("STRING is fine for a password").containsEntry("secret", "new");
    }

    @Test
    void theAttributesOwnValidationIsAskedToo() {
        gateway.metatype.pid("io.hybridge.custom", ocd("Custom")
                .ad(ad("topic", STRING).validator(v -> v.contains("#") ? "%wildcards are not allowed" : "")));

        assertThat(refusal(change("io.hybridge.custom", set("topic", "a/#"))))
                .containsExactly("io.hybridge.custom: topic = \"a/#\" is refused (wildcards are not allowed);"
                        + " expected a string");
    }

    @Test
    void everyProblemOfEveryPidIsReportedAndNothingIsApplied() throws Exception {
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw"));

        List<String> problems = refusal(
                change(BROKER, set("host", "127.0.0.1"), set("port", "abc")),
                change(ACCOUNT + "~s1", set("username", "")),
                change(BROKER, set("host", "again")));

        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).startsWith("io.hybridge.broker: port");
        assertThat(problems.get(1)).startsWith("io.hybridge.broker.account~s1: username");
        assertThat(problems.get(2)).isEqualTo("io.hybridge.broker appears more than once; send each PID once");
        assertThat(gateway.configAdmin.properties(ACCOUNT + "~s1")).containsEntry("username", "s1");
    }

    @Test
    void aPasswordIsNeverEchoedInAMessage() {
        gateway.metatype.pid("io.hybridge.vault", ocd("Vault")
                .ad(ad("key", org.osgi.service.metatype.AttributeDefinition.PASSWORD).range("12", null)));

        List<String> problems = refusal(change("io.hybridge.vault", set("key", "short-pw")));

        assertThat(problems).containsExactly("io.hybridge.vault: key = (hidden) is too short (8 characters);"
                + " expected a password of at least 12 characters");
    }

    @Test
    void anUnknownPidIsNotFoundAndNamed() {
        assertThatThrownBy(() -> gateway.service.update(List.of(change(BROKER, set("port", 1)),
                change("io.hybridge.nothing", set("x", 1)), change(ACCOUNT, set("username", "u")),
                change(ACCOUNT + "~ghost", set("username", "u"))), true))
                .isInstanceOfSatisfying(ConfigurationFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(ConfigurationFailure.Kind.NOT_FOUND);
                    assertThat(f.problems()).containsExactly(
                            "no configurable component io.hybridge.nothing (no Metatype describes it);"
                                    + " GET/configurableComponents lists them; io.hybridge.broker.account is a factory PID;"
                                    + " change one of its configurations (io.hybridge.broker.account~<name>) or create one"
                                    + " with POST/factoryComponents; no configuration io.hybridge.broker.account~ghost;"
                                    + " create it with POST/factoryComponents");
                });
        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 1883);
    }

    @Test
    void aNewConfigurationGetsTheMetatypeDefaults() throws Exception {
        gateway.service.createFactoryConfigurations(List.of(new NewFactoryInstance(ACCOUNT, "s1",
                List.of(set("username", "s1"), set("password", "pw")))), true);

        Map<String, Object> created = gateway.configAdmin.properties(ACCOUNT + "~s1");
        assertThat(created).containsEntry("username", "s1").containsEntry("password", "pw");
        assertThat((String[]) created.get("publish")).as("default \"\" of a list is an empty list").isEmpty();
    }

    @Test
    void factoryConfigurationNamesAreChecked() throws Exception {
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw"));

        assertThatThrownBy(() -> gateway.service.createFactoryConfigurations(List.of(
                new NewFactoryInstance(ACCOUNT, ACCOUNT + "~s1", List.of(set("username", "a"), set("password", "p"))),
                new NewFactoryInstance(ACCOUNT, "bad name", List.of())), true))
                .isInstanceOfSatisfying(ConfigurationFailure.class, f -> assertThat(f.problems()).containsExactly(
                        "io.hybridge.broker.account~s1 already exists; change it with"
                                + " PUT/configurableComponents/configurations/_update or delete it first",
                        "io.hybridge.broker.account: the name \"bad name\" of a new configuration may contain only"
                                + " letters, digits, '.', '_' and '-'; its PID becomes io.hybridge.broker.account~<name>"));
        assertThatThrownBy(() -> gateway.service.createFactoryConfigurations(List.of(
                new NewFactoryInstance("io.hybridge.nope", "x", List.of())), true))
                .hasMessage("no factory PID io.hybridge.nope with Metatype; GET/factoryComponents lists them");
    }

    @Test
    void onlyFactoryConfigurationsCanBeDeleted() {
        assertThatThrownBy(() -> gateway.service.deleteFactoryConfigurations(List.of(BROKER), true))
                .hasMessage("io.hybridge.broker is not a factory configuration; only factory configurations can be deleted");
        assertThatThrownBy(() -> gateway.service.deleteFactoryConfigurations(List.of(ACCOUNT + "~ghost"), true))
                .isInstanceOfSatisfying(ConfigurationFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(ConfigurationFailure.Kind.NOT_FOUND))
                .hasMessageStartingWith("no configuration io.hybridge.broker.account~ghost");
        assertThat(gateway.configAdmin.pids()).containsExactly(BROKER);
    }
}
