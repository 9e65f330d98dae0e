package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hybridge.fleet.FleetManager;
import io.hybridge.fleet.inventory.Gateway;
import io.hybridge.fleet.rollout.EngineSettings;
import io.hybridge.fleet.rollout.ErrorAction;
import io.hybridge.fleet.rollout.RolloutRequest;
import io.hybridge.fleet.rollout.RolloutService;
import io.hybridge.fleet.rollout.RolloutState;
import io.hybridge.fleet.rollout.RolloutStatus;
import io.hybridge.fleet.rollout.Target;
import io.hybridge.fleet.rollout.TargetState;
import io.hybridge.fleet.rollout.Unit;
import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayFleet;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Wait;

/**
 * The fleet rollout manager ({@code bundles/fleet}, as a library in this JVM, H2 in a temp dir)
 * and 20 real gateways (separate installations, each with its DEPLOY-V2 agent trusting the
 * fleet's key) meeting on a Mosquitto cloud broker: nothing simulated between the two sides.
 */
class FleetOfGatewaysIT {
    private static final int GATEWAYS = 20;
    private static final String UNIT = "fleet-demo";
    private static final String BUNDLE = "io.hybridge.test.fleet";
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /**
     * Asserts: all 20 gateways appear online in the fleet's inventory from their BIRTHs; a staged
     * rollout (waves 1, 25%, 50%, 100%: 1, 4, 5, 10 gateways) of a signed bundle completes with
     * every gateway SUCCEEDED, each gateway's republished BIRTH lists the new version
     * ({@code deploy.packages}, {@code deploy.job.last = <job>:COMPLETED}) and the bundle is
     * ACTIVE there; then a release whose activator fails is rolled back by the gateway of the
     * first wave itself (ROLLED_BACK, the previous version ACTIVE again, its BIRTH says so), the
     * rollout pauses at the first wave's error threshold, and no other gateway ever downloads it
     * (the unit server served it once; their BIRTHs still show the first job).
     */
    @Test
    void aStagedRolloutReachesAll20AndABrokenReleaseStopsAtTheFirstWave() throws Exception {
        Mosquitto.require();
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                GatewayFleet fleet = GatewayFleet.install(dir, broker, GATEWAYS, "96m", 10);
                KapuaClient operator = new KapuaClient(broker)) {
            FleetManager manager = fleet.startManager(new EngineSettings(Duration.ofMillis(100), Duration.ofSeconds(10), 2,
                    Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofSeconds(1)));
            fleet.startAll();
            fleet.awaitInventory(DEADLINE);
            RolloutService rollouts = manager.rollouts(GatewayFleet.ACCOUNT);

            // 1. a good release, staged
            Unit good = addUnit(rollouts, fleet, "1.0.0", null);
            long first = rollouts.create(RolloutRequest.of("fleet-demo 1.0.0", good.id(), "query:account=" + GatewayFleet.ACCOUNT)
                    .withWaves("1,25%,50%,100%").withGatewayTimeout(Duration.ofMinutes(2)));
            rollouts.start(first);
            awaitState(rollouts, first, RolloutState.COMPLETED);
            RolloutStatus done = rollouts.status(first);
            assertThat(done.waves()).extracting(RolloutStatus.WaveStatus::size).containsExactly(1, 4, 5, 10);
            assertThat(done.count(TargetState.SUCCEEDED)).as(done.render(true)).isEqualTo(GATEWAYS);
            Map<String, Long> firstJobs = new java.util.HashMap<>();
            done.targets().forEach(t -> firstJobs.put(t.gateway().clientId(), t.jobId()));
            Wait.until("every BIRTH lists " + UNIT + "@1.0.0 after its job", DEADLINE, () -> fleet.clientIds().stream().allMatch(id -> {
                Gateway g = fleet.inventoryEntry(id);
                return g != null && "1.0.0".equals(g.installedVersion(UNIT))
                        && (firstJobs.get(id) + ":COMPLETED").equals(g.metric("deploy.job.last"));
            }));
            for (String id : List.of("gw-01", "gw-10", "gw-20")) {
                assertThat(bundleState(operator, id)).as(id).isEqualTo("1.0.0 ACTIVE");
            }
            assertThat(manager.files().served()).isEqualTo(GATEWAYS);

            // 2. a broken release: the first wave's gateway rolls it back by itself and the rollout stops there
            Unit broken = addUnit(rollouts, fleet, "2.0.0", "io.hybridge.test.fleet.NoSuchActivator");
            long second = rollouts.create(RolloutRequest.of("fleet-demo 2.0.0", broken.id(), "query:account=" + GatewayFleet.ACCOUNT)
                    .withWaves("1,25%,50%,100%").withThresholds(90, 10, ErrorAction.PAUSE).withGatewayTimeout(Duration.ofMinutes(2)));
            rollouts.start(second);
            awaitState(rollouts, second, RolloutState.PAUSED);
            RolloutStatus stopped = rollouts.status(second);
            assertThat(stopped.rollout().reason()).as(stopped.render(true)).contains("wave 1").contains("error threshold");
            Target canary = stopped.targets().stream().filter(t -> t.wave() == 0).findFirst().orElseThrow();
            assertThat(canary.state()).as(stopped.render(true)).isEqualTo(TargetState.ROLLED_BACK);
            assertThat(canary.message()).contains("did not start").contains("previous version restored");
            assertThat(stopped.targets()).filteredOn(t -> t.wave() > 0).hasSize(GATEWAYS - 1)
                    .allMatch(t -> t.state() == TargetState.PENDING, "pending");
            String canaryId = canary.gateway().clientId();
            assertThat(bundleState(operator, canaryId)).isEqualTo("1.0.0 ACTIVE");
            Wait.until(canaryId + "'s BIRTH after the rollback", DEADLINE, () -> {
                Gateway g = fleet.inventoryEntry(canaryId);
                return (canary.jobId() + ":ROLLED_BACK").equals(g.metric("deploy.job.last")) && "1.0.0".equals(g.installedVersion(UNIT));
            });

            // the others never received it: one download in all, their last job is still the good one
            rollouts.abort(second);
            awaitState(rollouts, second, RolloutState.ABORTED);
            // the engine cancels the pending targets at its next tick
            Wait.until("the other 19 cancelled", DEADLINE, () -> {
                try {
                    return rollouts.status(second).targets().stream().filter(t -> t.wave() > 0)
                            .allMatch(t -> t.state() == TargetState.CANCELLED);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(rollouts.status(second).targets()).filteredOn(t -> t.wave() > 0)
                    .allMatch(t -> t.jobId() == 0 && t.dispatched() == 0, "never sent");
            assertThat(manager.files().served()).isEqualTo(GATEWAYS + 1);
            for (String id : fleet.clientIds()) {
                if (!id.equals(canaryId)) {
                    Gateway g = fleet.inventoryEntry(id);
                    assertThat(g.metric("deploy.job.last")).as(id).isEqualTo(firstJobs.get(id) + ":COMPLETED");
                    assertThat(g.installedVersion(UNIT)).as(id).isEqualTo("1.0.0");
                }
            }
        }
    }

    private Unit addUnit(RolloutService rollouts, GatewayFleet fleet, String version, String activator) throws Exception {
        Path jar = Files.write(dir.resolve(UNIT + "-" + version + ".jar"), GatewayFleet.bundle(BUNDLE, version, activator, 0, Map.of()));
        return rollouts.addFile(jar, UNIT, version, fleet.keys(), "bundle");
    }

    private static void awaitState(RolloutService rollouts, long id, RolloutState state) {
        try {
            Wait.until("rollout " + id + " " + state, DEADLINE, () -> {
                try {
                    return rollouts.get(id).state() == state;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (AssertionError e) {
            try {
                throw new AssertionError(e.getMessage() + "\n" + rollouts.status(id).render(true), e);
            } catch (java.sql.SQLException s) {
                throw e;
            }
        }
    }

    /** "version STATE" of the test bundle on a gateway, from DEPLOY-V2 GET/bundles; null when not installed. */
    private static String bundleState(KapuaClient operator, String gateway) throws Exception {
        KapuaClient.Received reply = operator.request(GatewayFleet.ACCOUNT, gateway, "DEPLOY-V2", "GET/bundles", null,
                Duration.ofSeconds(30));
        for (JsonNode bundle : JSON.readTree((String) reply.metric("bundles.json"))) {
            if (bundle.path("name").asText().equals(BUNDLE)) {
                return bundle.path("version").asText() + " " + bundle.path("state").asText();
            }
        }
        return null;
    }
}
