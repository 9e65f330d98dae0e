package io.hybridge.fleet.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.hybridge.fleet.inventory.Gateway;
import io.hybridge.fleet.inventory.GatewayId;
import io.hybridge.fleet.rollout.RolloutService;
import io.hybridge.fleet.rollout.RolloutRequest;
import io.hybridge.fleet.rollout.RolloutState;
import io.hybridge.fleet.rollout.Target;
import io.hybridge.fleet.rollout.TargetState;
import io.hybridge.fleet.rollout.Unit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store on embedded H2; {@code FleetPostgresIT} runs the same against a real PostgreSQL. */
public class FleetStoreTest {
    @TempDir
    Path dir;

    @Test
    void keepsInventoryGroupsUnitsAndRolloutsAcrossReopening() throws Exception {
        String url = FleetStore.h2Url(dir);
        long id;
        try (FleetStore store = FleetStore.open(url, null, null)) {
            StoreChecks.exercise(store);
            id = store.rollouts().get(0).id();
        }
        try (FleetStore store = FleetStore.open(url, null, null)) {
            assertThat(store.schemaVersion()).isEqualTo(1);
            assertThat(store.gateways()).hasSize(3);
            assertThat(store.rollout(id).orElseThrow().state()).isEqualTo(RolloutState.PAUSED);
        }
    }

    @Test
    void refusesOtherDatabases() {
        assertThatThrownBy(() -> FleetStore.open("jdbc:mysql://x/y", null, null))
                .hasMessageContaining("neither jdbc:h2:... nor jdbc:postgresql://");
    }

    @Test
    void splitsMigrationScripts() {
        assertThat(FleetStore.statements("-- c\nCREATE TABLE a (x INT);\nCREATE INDEX i\n  ON a (x);\n"))
                .containsExactly("CREATE TABLE a (x INT)", "CREATE INDEX i\n  ON a (x)");
    }

    /** What both databases must do alike. */
    public static final class StoreChecks {
        public static void exercise(FleetStore store) throws Exception {
            for (int i = 0; i < 3; i++) {
                store.saveGateway(new Gateway(new GatewayId("acme", "gw-" + i), true, 1000,
                        Map.of("model_id", i < 2 ? "rpi4" : "nuc", "deploy.packages", "io.acme.sensor@1.0.0")));
            }
            store.saveGatewayOnline(new Gateway(new GatewayId("acme", "gw-2"), false, 2000, Map.of("model_id", "nuc")));
            Gateway two = store.gateways().get(2);
            assertThat(two.online()).isFalse();
            assertThat(two.installedVersion("io.acme.sensor")).isEqualTo("1.0.0");

            store.saveGroup(new FleetStore.Group("pis", null, "model_id=rpi4"));
            store.saveGroup(new FleetStore.Group("two", List.of("acme/gw-0", "gw-2"), null));
            assertThat(store.groups()).extracting(FleetStore.Group::name).containsExactly("pis", "two");

            Unit u = store.addUnit(new Unit(0, "io.acme.sensor", "2.0.0", null, "/tmp/x.jar", "ab".repeat(32), 10, "c2ln", "0123456789abcdef", null));
            assertThat(store.addUnit(u).id()).isEqualTo(u.id());
            assertThatThrownBy(() -> store.addUnit(new Unit(0, "io.acme.sensor", "2.0.0", null, null, "cd".repeat(32), 1, null, null, null)))
                    .hasMessageContaining("give the changed unit a new version");

            RolloutService service = new RolloutService(store, "acme");
            assertThat(service.resolve("pis")).containsExactly(new GatewayId("acme", "gw-0"), new GatewayId("acme", "gw-1"));
            assertThat(service.resolve("two")).containsExactly(new GatewayId("acme", "gw-0"), new GatewayId("acme", "gw-2"));
            long id = service.create(RolloutRequest.of("sensor 2", u.id(), "query:account=acme").withWaves("1,100%"));
            List<Target> targets = store.targets(id);
            assertThat(targets).extracting(Target::wave).containsExactly(0, 1, 1);
            assertThat(targets).extracting(Target::previousVersion).containsOnly("1.0.0");

            service.start(id);
            assertThat(store.lease(id, "engine-a", 5000, 1000)).isTrue();
            assertThat(store.lease(id, "engine-b", 6000, 2000)).isFalse();
            assertThat(store.lease(id, "engine-b", 9000, 5001)).isTrue();
            Target t = targets.get(0);
            io.hybridge.fleet.rollout.TargetTransitions.dispatched(t, 42, 3000);
            store.saveTarget(t);
            assertThat(store.targets(id).get(0).state()).isEqualTo(TargetState.REQUESTED);
            assertThat(store.targets(id).get(0).jobId()).isEqualTo(42);
            service.pause(id);
            assertThatThrownBy(() -> service.pause(id)).hasMessageContaining("cannot pause rollout " + id + ": it is PAUSED");
        }
    }
}
