package io.hybridge.fleet.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import io.hybridge.fleet.FleetManager;
import io.hybridge.fleet.rollout.EngineSettings;
import io.hybridge.fleet.rollout.ErrorAction;
import io.hybridge.fleet.rollout.Rollout;
import io.hybridge.fleet.rollout.RolloutRequest;
import io.hybridge.fleet.rollout.RolloutService;
import io.hybridge.fleet.rollout.RolloutState;
import io.hybridge.fleet.rollout.RolloutStatus;
import io.hybridge.fleet.rollout.TargetState;
import io.hybridge.fleet.rollout.Unit;
import io.hybridge.fleet.sign.UnitKeys;
import io.hybridge.fleet.sim.SimBehaviour;
import io.hybridge.fleet.sim.SimulatedFleet;
import io.hybridge.fleet.store.FleetStore;
import io.hybridge.fleet.wire.MqttSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fleet manager against a real Mosquitto and 20 simulated gateways speaking DEPLOY-V2: staged
 * rollouts, thresholds, pause/resume/abort, rollback, and a manager restarted mid-rollout. The
 * database is H2 here; {@link FleetPostgresIT} runs the staged rollout on PostgreSQL.
 */
class FleetRolloutIT {
    static final String ACCOUNT = "acme";
    static final String UNIT = "io.acme.sensor";

    @TempDir
    Path dir;
    Mosquitto broker;
    SimulatedFleet sims;
    FleetStore store;
    FleetManager manager;
    UnitKeys keys;

    @BeforeEach
    void broker() throws Exception {
        broker = Mosquitto.start(dir);
        UnitKeys.generate().write(dir.resolve("fleet.key"), dir.resolve("fleet.pub"));
        keys = UnitKeys.readPrivate(dir.resolve("fleet.key"));
    }

    @AfterEach
    void stop() throws Exception {
        if (manager != null) {
            manager.close();
        }
        if (sims != null) {
            sims.close();
        }
        if (store != null) {
            store.close();
        }
        broker.close();
    }

    static FleetStore h2(Path dir) throws Exception {
        return FleetStore.open(FleetStore.h2Url(dir), null, null);
    }

    void fleet(int count, SimBehaviour behaviour) throws Exception {
        sims = new SimulatedFleet(broker.uri(), ACCOUNT, "gw", count, Map.of(UNIT, "1.0.0"), behaviour, 8);
    }

    FleetManager manager(FleetStore db) throws Exception {
        return new FleetManager(db, new MqttSettings(broker.uri(), "fleet-it", null, null),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null,
                new EngineSettings(Duration.ofMillis(100), Duration.ofSeconds(5), 2, Duration.ofSeconds(3),
                        Duration.ofSeconds(5), Duration.ofMillis(500))).start();
    }

    Unit unit(RolloutService service, String version, int bytes) throws Exception {
        byte[] content = new byte[bytes];
        new Random(version.hashCode()).nextBytes(content);
        Path file = Files.write(dir.resolve(UNIT + "-" + version + ".jar"), content);
        return service.addFile(file, UNIT, version, keys, "bundle");
    }

    void awaitInventory(int count) throws Exception {
        Await.until(count + " gateways in the inventory", Duration.ofSeconds(60),
                () -> manager.inventory().all().stream().filter(g -> g.online()).count() == count,
                () -> manager.inventory().size());
        // the inventory writes to the store from the MQTT thread; rollouts are planned from the store
        Await.until(count + " gateways stored", Duration.ofSeconds(30), () -> store.gateways().size() == count,
                () -> store.gateways().size());
    }

    static RolloutState awaitState(RolloutService service, long id, Duration timeout, RolloutState... states) throws Exception {
        Await.until("rollout " + id + " in " + java.util.List.of(states), timeout,
                () -> java.util.List.of(states).contains(service.get(id).state()), () -> service.status(id).render(true));
        return service.get(id).state();
    }

    @Test
    void stagedRolloutAcross20SimulatedGatewaysSucceeds() throws Exception {
        store = h2(dir);
        staged(this, store);
    }

    /** Shared with the PostgreSQL test. */
    static void staged(FleetRolloutIT it, FleetStore db) throws Exception {
        it.fleet(20, SimBehaviour.healthy().trusting(it.keys.publicKey()));
        it.manager = it.manager(db);
        it.sims.connect(null, null);
        it.awaitInventory(20);
        RolloutService service = it.manager.rollouts(ACCOUNT);
        Unit v2 = it.unit(service, "2.0.0", 256 * 1024);
        long id = service.create(RolloutRequest.of("sensor 2.0.0", v2.id(), "query:model_id^=sim").withWaves("1,10%,50%,100%"));
        service.start(id);
        awaitState(service, id, Duration.ofSeconds(90), RolloutState.COMPLETED);

        RolloutStatus status = service.status(id);
        assertThat(status.waves()).extracting(RolloutStatus.WaveStatus::size).containsExactly(1, 1, 8, 10);
        assertThat(status.count(TargetState.SUCCEEDED)).isEqualTo(20);
        for (int i = 0; i < 20; i++) {
            assertThat(it.sims.packages(i)).containsEntry(UNIT, "2.0.0");
        }
        // the gateways' new BIRTHs reach the inventory
        Await.until("inventory shows 2.0.0 everywhere", Duration.ofSeconds(30),
                () -> it.manager.inventory().all().stream().allMatch(g -> "2.0.0".equals(g.installedVersion(UNIT))),
                () -> it.manager.inventory().all());
        assertThat(it.manager.files().served()).isEqualTo(20);
    }

    @Test
    void aUnitFailingOnSomeGatewaysStopsAtTheFirstWavesErrorThresholdAndRollsBack() throws Exception {
        store = h2(dir);
        // a quarter of the gateways fail the 2.0.0 health gate and restore 1.0.0 themselves
        fleet(20, SimBehaviour.healthy().failing(0.25, "ROLLED_BACK", "2.0.0"));
        manager = manager(store);
        sims.connect(null, null);
        awaitInventory(20);
        RolloutService service = manager.rollouts(ACCOUNT);
        unit(service, "1.0.0", 64 * 1024); // the previous version, known so that it can be sent back
        Unit v2 = unit(service, "2.0.0", 64 * 1024);
        long id = service.create(RolloutRequest.of("sensor 2.0.0", v2.id(), "list:" + String.join(",", sims.clientIds()))
                .withWaves("10,100%").withThresholds(90, 10, ErrorAction.ROLLBACK));
        service.start(id);
        awaitState(service, id, Duration.ofSeconds(60), RolloutState.ROLLED_BACK);

        Rollout parent = service.get(id);
        assertThat(parent.reason()).contains("wave 1").contains("above the error threshold of 10%");
        RolloutStatus first = service.status(id);
        assertThat(first.waves().get(1).count(TargetState.PENDING) + first.waves().get(1).count(TargetState.CANCELLED))
                .as("the second wave never started").isEqualTo(10);
        assertThat(first.waves().get(1).count(TargetState.CANCELLED)).isEqualTo(10);

        long rollbackId = service.status(id).rollout().reason().replaceAll(".*rollout #(\\d+).*", "$1").transform(Long::parseLong);
        awaitState(service, rollbackId, Duration.ofSeconds(60), RolloutState.COMPLETED);
        RolloutStatus back = service.status(rollbackId);
        assertThat(back.rollout().kind()).isEqualTo(Rollout.ROLLBACK);
        assertThat(back.targets()).isNotEmpty().allMatch(t -> t.state() == TargetState.SUCCEEDED);
        for (int i = 0; i < 20; i++) {
            assertThat(sims.packages(i)).as("gateway %d", i).containsEntry(UNIT, "1.0.0");
        }
    }

    @Test
    void pauseResumeAndAbort() throws Exception {
        store = h2(dir);
        fleet(20, SimBehaviour.healthy().installTaking(Duration.ofMillis(300)));
        manager = manager(store);
        sims.connect(null, null);
        awaitInventory(20);
        RolloutService service = manager.rollouts(ACCOUNT);
        Unit v2 = unit(service, "2.0.0", 16 * 1024);
        long id = service.create(RolloutRequest.of("paused", v2.id(), "query:*").withWaves("2,4,100%").withConcurrency(2));
        service.start(id);
        Await.until("first wave done", Duration.ofSeconds(30), () -> service.get(id).currentWave() >= 1, () -> service.status(id).render(false));
        service.pause(id);
        // in-flight jobs finish, nothing new starts
        Await.until("nothing in flight", Duration.ofSeconds(30),
                () -> service.status(id).targets().stream().noneMatch(t -> t.state().inFlight()), () -> service.status(id).render(false));
        long done = service.status(id).count(TargetState.SUCCEEDED);
        assertThat(service.get(id).state()).isEqualTo(RolloutState.PAUSED);
        assertThat(service.status(id).count(TargetState.PENDING)).isEqualTo(20 - done);

        service.resume(id);
        Await.until("more gateways updated", Duration.ofSeconds(30), () -> service.status(id).count(TargetState.SUCCEEDED) > done,
                () -> service.status(id).render(false));
        service.abort(id);
        Await.until("pending cancelled", Duration.ofSeconds(30),
                () -> service.status(id).targets().stream().noneMatch(t -> t.state() == TargetState.PENDING || t.state().inFlight()),
                () -> service.status(id).render(false));
        RolloutStatus s = service.status(id);
        assertThat(s.rollout().state()).isEqualTo(RolloutState.ABORTED);
        assertThat(s.count(TargetState.CANCELLED)).isPositive();
        assertThat(s.count(TargetState.SUCCEEDED) + s.count(TargetState.CANCELLED)).isEqualTo(20);
    }

    @Test
    void aManagerRestartedMidRolloutContinues() throws Exception {
        store = h2(dir);
        fleet(20, SimBehaviour.healthy().installTaking(Duration.ofMillis(200)));
        manager = manager(store);
        sims.connect(null, null);
        awaitInventory(20);
        RolloutService service = manager.rollouts(ACCOUNT);
        Unit v2 = unit(service, "2.0.0", 16 * 1024);
        long id = service.create(RolloutRequest.of("restart", v2.id(), "query:*").withWaves("1,25%,100%").withConcurrency(3));
        service.start(id);
        Await.until("some progress", Duration.ofSeconds(30), () -> service.status(id).count(TargetState.SUCCEEDED) >= 3,
                () -> service.status(id).render(false));
        manager.close(); // as a crash would: no clean hand-over
        store.close();
        long before;
        try (FleetStore reopened = h2(dir)) {
            before = new RolloutService(reopened, ACCOUNT).status(id).count(TargetState.SUCCEEDED);
        }
        assertThat(before).isLessThan(20);

        store = h2(dir);
        manager = manager(store);
        RolloutService again = manager.rollouts(ACCOUNT);
        awaitState(again, id, Duration.ofSeconds(90), RolloutState.COMPLETED);
        assertThat(again.status(id).count(TargetState.SUCCEEDED)).isEqualTo(20);
        for (int i = 0; i < 20; i++) {
            assertThat(sims.packages(i)).containsEntry(UNIT, "2.0.0");
        }
    }
}
