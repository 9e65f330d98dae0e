package io.hybridge.config.internal;

import static io.hybridge.config.internal.FakeMetatype.ad;
import static io.hybridge.config.internal.FakeMetatype.ocd;
import static io.hybridge.config.internal.TestGateway.ACCOUNT;
import static io.hybridge.config.internal.TestGateway.BROKER;
import static io.hybridge.config.internal.TestGateway.change;
import static io.hybridge.config.internal.TestGateway.list;
import static io.hybridge.config.internal.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.service.metatype.AttributeDefinition;

/** Passwords stay on the gateway: the placeholder goes out, and coming back it keeps the stored value. */
class PasswordTest {

    @TempDir
    Path dir;

    TestGateway gateway;

    @BeforeEach
    void gateway() throws Exception {
        gateway = new TestGateway(dir, 10);
        gateway.configAdmin.put(BROKER, Map.of("host", "0.0.0.0", "secret", "s3cret!"));
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw1"));
    }

    @Test
    void typedValuesMaskPasswordsOnlyOnTheWayOut() {
        TypedValue secret = new TypedValue(PropertyType.PASSWORD, "s3cret!");
        TypedValue several = new TypedValue(PropertyType.PASSWORD, new String[] {"a", null, "b"});

        assertThat(secret.masked().toJson()).isEqualTo("placeholder");
        assertThat(several.masked().toJson()).isEqualTo(list("placeholder", null, "placeholder"));
        assertThat(new TypedValue(PropertyType.STRING, "plain").masked().toJson()).isEqualTo("plain");
        assertThat(secret.toJson()).as("the unmasked value is still there for snapshot files").isEqualTo("s3cret!");
    }

    @Test
    void configurationsCarryPasswordsAsPasswordType() {
        ComponentConfiguration broker = gateway.service.configurations(List.of(BROKER)).get(0);

        assertThat(broker.properties().get("secret").type()).isEqualTo(PropertyType.PASSWORD);
        assertThat(broker.properties().get("host").type()).isEqualTo(PropertyType.STRING);
    }

    @Test
    void sendingThePlaceholderBackKeepsTheStoredPassword() {
        gateway.service.update(List.of(change(BROKER, set("secret", "placeholder"), set("host", "127.0.0.1")),
                change(ACCOUNT + "~s1", set("password", PropertyType.PASSWORD, "placeholder"))), true);

        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("secret", "s3cret!").containsEntry("host", "127.0.0.1");
        assertThat(gateway.configAdmin.properties(ACCOUNT + "~s1")).containsEntry("password", "pw1");
    }

    @Test
    void thePlaceholderCannotKeepAPasswordThatIsNotThere() throws Exception {
        gateway.configAdmin.put(BROKER, Map.of("host", "0.0.0.0"));

        assertThatThrownBy(() -> gateway.service.update(List.of(change(BROKER, set("secret", "placeholder"))), true))
                .hasMessage("io.hybridge.broker: secret = placeholder keeps the stored password, but none is stored;"
                        + " send the password itself");
    }

    @Test
    void aListOfPasswordsKeepsEachPlaceholderedElement() throws Exception {
        gateway.metatype.pid("io.hybridge.keys", ocd("Keys")
                .ad(ad("keys", AttributeDefinition.PASSWORD).cardinality(5)));
        gateway.configAdmin.put("io.hybridge.keys", Map.of("keys", new String[] {"k0", "k1"}));

        gateway.service.update(List.of(change("io.hybridge.keys", set("keys", list("placeholder", "new", "k2")))), true);

        assertThat((String[]) gateway.configAdmin.properties("io.hybridge.keys").get("keys"))
                .containsExactly("k0", "new", "k2");
    }

    @Test
    void snapshotsKnowWhichValuesArePasswords() {
        long id = gateway.service.writeSnapshot();

        Snapshot snapshot = gateway.service.snapshot(id);
        assertThat(snapshot.content().entries()).filteredOn(e -> e.pid().equals(ACCOUNT + "~s1")).singleElement()
                .satisfies(e -> {
                    assertThat(e.properties().get("password").type()).isEqualTo(PropertyType.PASSWORD);
                    assertThat(e.properties().get("password").value()).as("in clear in the file").isEqualTo("pw1");
                });
    }
}
