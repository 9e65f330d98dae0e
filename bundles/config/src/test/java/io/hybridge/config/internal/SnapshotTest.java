package io.hybridge.config.internal;

import static io.hybridge.config.internal.TestGateway.ACCOUNT;
import static io.hybridge.config.internal.TestGateway.BROKER;
import static io.hybridge.config.internal.TestGateway.change;
import static io.hybridge.config.internal.TestGateway.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots around every change, their retention, and rollback to them. */
class SnapshotTest {

    @TempDir
    Path dir;

    TestGateway gateway;

    @BeforeEach
    void gateway() throws Exception {
        gateway = new TestGateway(dir.resolve("snapshots"), 10);
        gateway.configAdmin.put(BROKER, Map.of("host", "0.0.0.0", "port", 1883, "secret", "s3cret!"));
        gateway.configAdmin.putFactory(ACCOUNT, "s1", Map.of("username", "s1", "password", "pw1",
                "publish", new String[] {"sensors/s1/#"}));
    }

    private void setPort(int port) {
        gateway.clock.advanceMillis(1000);
        gateway.service.update(List.of(change(BROKER, set("port", port))), true);
    }

    @Test
    void aChangeIsSnapshottedBeforeAndAfterInOwnerOnlyFiles() throws Exception {
        setPort(8883);

        List<Long> ids = gateway.service.snapshotIds();
        assertThat(ids).hasSize(2);
        assertThat(ids.get(0)).as("epoch milliseconds").isEqualTo(gateway.clock.millis());
        Snapshot before = gateway.service.snapshot(ids.get(0));
        Snapshot after = gateway.service.snapshot(ids.get(1));
        assertThat(before.content().entries()).filteredOn(e -> e.pid().equals(BROKER)).singleElement()
                .satisfies(e -> assertThat(e.properties().get("port").value()).isEqualTo(1883));
        assertThat(after.content().entries()).filteredOn(e -> e.pid().equals(BROKER)).singleElement()
                .satisfies(e -> assertThat(e.properties().get("port").value()).isEqualTo(8883));

        Path file = dir.resolve("snapshots/snapshot_" + ids.get(1) + ".json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(file)).as("the file keeps passwords so that a rollback restores them")
                .contains("s3cret!").contains("pw1");
    }

    @Test
    void theNextChangeAddsOneSnapshotNotTwo() {
        setPort(8883);
        setPort(8884);

        assertThat(gateway.service.snapshotIds()).as("the state before the second change is already the newest").hasSize(3);
    }

    @Test
    void aChangeWithoutSnapshotWritesNone() {
        gateway.service.update(List.of(change(BROKER, set("port", 8883))), false);

        assertThat(gateway.service.snapshotIds()).isEmpty();
    }

    @Test
    void onlyTheNewestSnapshotsAreKept() {
        gateway.snapshots.configure(dir.resolve("snapshots"), 3);
        for (int port = 2000; port < 2005; port++) {
            setPort(port);
        }

        List<Long> ids = gateway.service.snapshotIds();
        assertThat(ids).hasSize(3);
        assertThat(gateway.service.snapshot(ids.get(2)).content().entries()).filteredOn(e -> e.pid().equals(BROKER))
                .singleElement().satisfies(e -> assertThat(e.properties().get("port").value()).isEqualTo(2004));
    }

    @Test
    void snapshotsInTheSameMillisecondGetDistinctIds() {
        long first = gateway.service.writeSnapshot();
        long second = gateway.service.writeSnapshot();

        assertThat(second).isEqualTo(first + 1);
    }

    @Test
    void rollbackUndoesTheLastChange() {
        setPort(8883);
        setPort(8884);

        List<Long> before = gateway.service.snapshotIds(); // 1883, 8883, 8884

        long id = gateway.service.rollback();

        assertThat(id).isEqualTo(before.get(1));
        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 8883);
        assertThat(gateway.service.snapshotIds()).as("the rollback is itself snapshotted").hasSize(4);
    }

    @Test
    void rollbackAfterAChangeMadeElsewhereReturnsToTheNewestSnapshot() throws Exception {
        setPort(8883);
        gateway.configAdmin.put(BROKER, Map.of("host", "10.0.0.1", "port", 9999)); // the web console, a file

        gateway.service.rollback();

        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("host", "0.0.0.0").containsEntry("port", 8883)
                .containsEntry("secret", "s3cret!");
    }

    @Test
    void withNothingToRollBackToTheAnswerIsNotFound() {
        assertThatThrownBy(() -> gateway.service.rollback()).isInstanceOfSatisfying(ConfigurationFailure.class,
                f -> assertThat(f.kind()).isEqualTo(ConfigurationFailure.Kind.NOT_FOUND))
                .hasMessage("there is no snapshot to roll back to; EXEC/snapshots/_write takes one");

        gateway.service.writeSnapshot();
        assertThatThrownBy(() -> gateway.service.rollback())
                .hasMessageStartingWith("every stored snapshot equals the running configuration");
    }

    @Test
    void rollbackToAnIdRestoresFactoryConfigurationsBothWays() throws Exception {
        long id = gateway.service.writeSnapshot();
        gateway.service.createFactoryConfigurations(List.of(new NewFactoryInstance(ACCOUNT, "s2",
                List.of(set("username", "s2"), set("password", "pw2")))), true);
        gateway.service.deleteFactoryConfigurations(List.of(ACCOUNT + "~s1"), true);
        gateway.metatype.factory("io.hybridge.later", FakeMetatype.ocd("Later")
                .ad(FakeMetatype.ad("x", org.osgi.service.metatype.AttributeDefinition.STRING)));
        gateway.configAdmin.putFactory("io.hybridge.later", "keep", Map.of("x", "y"));
        gateway.configAdmin.put("io.hybridge.device", Map.of("profile", "auto")); // no Metatype: not ours

        gateway.service.rollback(id);

        assertThat(gateway.configAdmin.pids()).as("s2 made since is gone, s1 deleted since is back;"
                + " configurations the snapshot could not know are left alone")
                .containsExactly(BROKER, ACCOUNT + "~s1", "io.hybridge.device", "io.hybridge.later~keep");
        Map<String, Object> s1 = gateway.configAdmin.properties(ACCOUNT + "~s1");
        assertThat(s1).containsEntry("password", "pw1");
        assertThat((String[]) s1.get("publish")).containsExactly("sensors/s1/#");
    }

    @Test
    void rollbackRemovesAConfigurationThatDidNotExist() throws Exception {
        gateway.metatype.pid("io.hybridge.fresh", FakeMetatype.ocd("Fresh")
                .ad(FakeMetatype.ad("name", org.osgi.service.metatype.AttributeDefinition.STRING)));
        long id = gateway.service.writeSnapshot();
        gateway.service.update(List.of(change("io.hybridge.fresh", set("name", "n"))), true);

        gateway.service.rollback(id);

        assertThat(gateway.configAdmin.properties("io.hybridge.fresh")).isNull();
    }

    @Test
    void rollbackKeepsTheExactTypesOfTheValues() throws Exception {
        gateway.configAdmin.put(BROKER, Map.of("host", "h", "port", "1883", "extra", List.of(1L, 2L)));
        long id = gateway.service.writeSnapshot();
        gateway.configAdmin.put(BROKER, Map.of("host", "other"));

        gateway.service.rollback(id);

        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", "1883")
                .containsEntry("extra", List.of(1L, 2L));
    }

    @Test
    void aFailedRollbackChangesNothing() {
        long id = gateway.service.writeSnapshot();
        setPort(8883);
        gateway.service.createFactoryConfigurations(List.of(new NewFactoryInstance(ACCOUNT, "s2",
                List.of(set("username", "s2"), set("password", "pw2")))), true);
        gateway.configAdmin.failUpdatesOf(BROKER, "read-only");

        assertThatThrownBy(() -> gateway.service.rollback(id)).hasMessageContaining("nothing was changed");

        assertThat(gateway.configAdmin.pids()).contains(ACCOUNT + "~s2");
        assertThat(gateway.configAdmin.properties(BROKER)).containsEntry("port", 8883);
    }

    @Test
    void anUnknownSnapshotIsNotFound() {
        long id = gateway.service.writeSnapshot();

        assertThatThrownBy(() -> gateway.service.rollback(42)).isInstanceOfSatisfying(ConfigurationFailure.class,
                f -> assertThat(f.kind()).isEqualTo(ConfigurationFailure.Kind.NOT_FOUND))
                .hasMessage("no snapshot 42; the stored snapshots are [" + id + "]");
    }

    @Test
    void aDamagedSnapshotIsNamed() throws Exception {
        long id = gateway.service.writeSnapshot();
        Path file = dir.resolve("snapshots/snapshot_" + id + ".json");
        Files.writeString(file, "{\"id\": 1, \"configs\": [ {\"pid\": \"x\", \"properties\": {\"a\": 1}} ]}");

        assertThatThrownBy(() -> gateway.service.snapshot(id))
                .hasMessage("snapshot file " + file + " is damaged: x: property a is not a {\"type\", \"value\"} object;"
                        + " roll back to another snapshot or delete this file");
        setPort(8883); // a damaged newest snapshot does not block changes
        assertThat(gateway.service.snapshotIds()).hasSize(3);
    }

    @Test
    void theRetentionCanChangeAtRunTime() {
        for (int port = 2000; port < 2004; port++) {
            setPort(port);
        }
        assertThat(gateway.service.snapshotIds()).hasSize(5);

        gateway.snapshots.configure(dir.resolve("snapshots"), 2);

        assertThat(gateway.service.snapshotIds()).hasSize(2);
    }
}
