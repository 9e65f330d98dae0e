package io.hybridge.config.internal;

import static io.hybridge.config.internal.TestGateway.ACCOUNT;
import static io.hybridge.config.internal.TestGateway.BROKER;
import static io.hybridge.config.internal.TestGateway.change;
import static io.hybridge.config.internal.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** When Config Admin fails half-way through a change, what was already applied is undone. */
class AtomicChangeTest {

    @TempDir
    Path dir;

    TestGateway gateway;

    @BeforeEach
    void gateway() throws Exception {
        gateway = new TestGateway(dir.resolve("snapshots"), 10);
        gateway.configAdmin.put(BROKER, Map.of("host", "0.0.0.0", "port", 1883));
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw"));
    }

    @Test
    void aFailingSecondUpdateRestoresTheFirst() {
        gateway.configAdmin.failUpdatesOf(ACCOUNT + "~s1", "disk full");

        assertThatThrownBy(() -> gateway.service.update(List.of(
                change(BROKER, set("port", 8883)),
                change(ACCOUNT + "~s1", set("username", "renamed"))), true))
                .isInstanceOfSatisfying(ConfigurationFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(ConfigurationFailure.Kind.FAILED))
                .hasMessage("Config Admin refused to update io.hybridge.broker.account~s1: disk full;"
                        + " nothing was changed: the 1 change(s) already applied were undone");

        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 1883);
        assertThat(gateway.configAdmin.updatesOf(BROKER)).as("set up, changed, restored").isEqualTo(3);
        assertThat(gateway.configAdmin.properties(ACCOUNT + "~s1")).containsEntry("username", "s1");
    }

    @Test
    void aConfigurationCreatedBeforeTheFailureIsDeletedAgain() {
        gateway.metatype.pid("io.hybridge.fresh", FakeMetatype.ocd("Fresh")
                .ad(FakeMetatype.ad("name", org.osgi.service.metatype.AttributeDefinition.STRING)));
        gateway.configAdmin.failUpdatesOf(BROKER, "read-only");

        assertThatThrownBy(() -> gateway.service.update(List.of(
                change("io.hybridge.fresh", set("name", "n")), change(BROKER, set("port", 1))), true))
                .hasMessageStartingWith("Config Admin refused to update io.hybridge.broker: read-only");

        assertThat(gateway.configAdmin.properties("io.hybridge.fresh")).as("created, then deleted again").isNull();
    }

    @Test
    void aFailedCreationOfSeveralFactoryConfigurationsLeavesNone() {
        gateway.configAdmin.failUpdatesOf(ACCOUNT + "~s3", "refused");

        assertThatThrownBy(() -> gateway.service.createFactoryConfigurations(List.of(
                new NewFactoryInstance(ACCOUNT, "s2", List.of(set("username", "s2"), set("password", "p"))),
                new NewFactoryInstance(ACCOUNT, "s3", List.of(set("username", "s3"), set("password", "p")))), true))
                .hasMessage("Config Admin refused to create io.hybridge.broker.account~s3: refused;"
                        + " nothing was changed: the 1 change(s) already applied were undone");

        assertThat(gateway.configAdmin.pids()).containsExactly(BROKER, ACCOUNT + "~s1");
    }

    @Test
    void aFailedDeletionRestoresTheConfigurationsAlreadyDeleted() throws Exception {
        gateway.configAdmin.putFactory(ACCOUNT, "s2", Map.of("username", "s2", "password", "pw2"));
        gateway.configAdmin.failDeletesOf(ACCOUNT + "~s2", "locked");

        assertThatThrownBy(() -> gateway.service.deleteFactoryConfigurations(List.of(ACCOUNT + "~s1", ACCOUNT + "~s2"), true))
                .hasMessage("Config Admin refused to delete io.hybridge.broker.account~s2: locked;"
                        + " nothing was changed: the 1 change(s) already applied were undone");

        assertThat(gateway.configAdmin.properties(ACCOUNT + "~s1")).as("recreated under its name")
                .containsEntry("username", "s1").containsEntry("password", "pw");
        assertThat(gateway.configAdmin.properties(ACCOUNT + "~s2")).containsEntry("password", "pw2");
    }

    @Test
    void aChangeWhoseSnapshotCannotBeWrittenIsUndone() throws Exception {
        Path blocked = dir.resolve("blocked");
        Files.writeString(blocked, "a file where the snapshot directory should be");
        gateway.snapshots.configure(blocked.resolve("snapshots"), 10);

        assertThatThrownBy(() -> gateway.service.update(List.of(change(BROKER, set("port", 8883))), true))
                .isInstanceOfSatisfying(ConfigurationFailure.class,
                        f -> assertThat(f.kind()).isEqualTo(ConfigurationFailure.Kind.FAILED))
                .hasMessageContaining("cannot write the snapshot of the configuration before the change in " + blocked)
                .hasMessageEndingWith("nothing was changed");
        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 1883);

        gateway.service.update(List.of(change(BROKER, set("port", 8883))), false);
        assertThat(gateway.configAdmin.properties(BROKER)).as("without snapshots the disk does not matter")
                .containsEntry("port", 8883);
    }

    @Test
    void anUndoThatFailsTooIsReportedByPid() {
        gateway.configAdmin.failUpdatesOf(BROKER, "gone read-only", 1); // the change goes through, its undo does not
        gateway.configAdmin.failUpdatesOf(ACCOUNT + "~s1", "disk full");

        assertThatThrownBy(() -> gateway.service.update(List.of(change(BROKER, set("port", 8883)),
                change(ACCOUNT + "~s1", set("username", "u"))), false))
                .hasMessage("Config Admin refused to update io.hybridge.broker.account~s1: disk full;"
                        + " undoing the changes already made failed for io.hybridge.broker (gone read-only):"
                        + " check these configurations");
    }
}
