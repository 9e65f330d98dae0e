package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.broker.internal.MqttTestClient.Received;
import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;

/**
 * A Moquette session loop that dies (here: the ACL check throws on the publisher's loop, as a
 * buffer released twice does in Moquette itself) takes the clients of that loop with it for good
 * unless the broker restarts. Real Moquette, real Paho clients.
 */
class SessionLoopFailureTest {

    private static final String POISON = "poison/pill";
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final List<MqttTestClient> clients = new ArrayList<>();
    private LocalBroker broker;
    private int port;

    /** Our policy, except that a publish on {@link #POISON} throws inside the session loop that checks it. */
    private static final class ThrowsOnPoison implements IAuthenticator, IAuthorizatorPolicy {
        private final AccessPolicy policy;

        ThrowsOnPoison(AccessPolicy policy) {
            this.policy = policy;
        }

        @Override
        public boolean checkValid(String clientId, String username, byte[] password) {
            return policy.checkValid(clientId, username, password);
        }

        @Override
        public boolean canWrite(Topic topic, String username, String clientId) {
            if (topic.toString().equals(POISON)) {
                throw new IllegalStateException("session loop killed on purpose by a publish on " + POISON);
            }
            return policy.canWrite(topic, username, clientId);
        }

        @Override
        public boolean canRead(Topic topic, String username, String clientId) {
            return policy.canRead(topic, username, clientId);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (MqttTestClient client : clients) {
            client.close();
        }
        if (broker != null) {
            broker.deactivate();
        }
    }

    private MqttTestClient client(String clientId) throws Exception {
        MqttTestClient client = new MqttTestClient(port, clientId);
        clients.add(client);
        return client;
    }

    @Test
    void aDeadSessionLoopRestartsTheBrokerAndClientsOfEveryLoopGetServedAgain() throws Exception {
        port = LocalBrokerTest.freePort();
        Map<String, Object> config = LocalBrokerTest.loopback(port);
        config.put("allow.anonymous", true);
        LocalBroker.Starter poisonable = (settings, policy, connected, loopFailed) ->
                MoquetteBroker.start(settings, new ThrowsOnPoison(policy), connected, loopFailed);
        broker = new LocalBroker(Configs.of(BrokerConfig.class, config), config, name -> null, new Accounts(),
                BusRegistrar.NONE, poisonable);
        assertThat(broker.awaitSettled(DEADLINE)).isTrue();
        assertThat(broker.health().details()).containsEntry("restarts.after.failure", 0).doesNotContainKey("last.failure");

        client("poisoner").publish(POISON, "x", 0, false); // QoS 0: nothing to wait for from the dying loop

        Health health = awaitRestart();
        assertThat(health.status()).isEqualTo(HealthStatus.UP);
        assertThat(health.message()).contains("listening on 127.0.0.1:" + port).contains("restarted after a session loop died")
                .contains("killed on purpose");
        assertThat((String) health.details().get("last.failure")).contains("killed on purpose by a publish on " + POISON);

        // Moquette picks a client's loop by its id's hash: one client on every loop, each served
        for (String clientId : oneClientIdPerLoop()) {
            MqttTestClient client = client(clientId);
            client.subscribe("check/" + clientId, 1);
            client.publish("check/" + clientId, "served", 1, false);
            assertThat(client.next(10)).as("client %s after the restart", clientId)
                    .isEqualTo(new Received("check/" + clientId, "served", 1, false));
        }
        assertThat(broker.health().details()).containsEntry("restarts.after.failure", 1);
    }

    private Health awaitRestart() throws Exception {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Health health = broker.health();
        while (System.nanoTime() < deadline) {
            assertThat(broker.awaitSettled(DEADLINE)).isTrue();
            health = broker.health();
            if (health.details() != null && Integer.valueOf(1).equals(health.details().get("restarts.after.failure"))) {
                return health;
            }
            Thread.sleep(10); // the dying loop hands the restart to the supervisor at any moment
        }
        throw new AssertionError("the broker did not restart within " + DEADLINE + " after its session loop died; health: "
                + health.status() + " " + health.message() + " " + health.details());
    }

    /** Client ids that Moquette 0.17 puts on different session loops (|hash| mod the number of CPUs). */
    private static List<String> oneClientIdPerLoop() {
        int loops = Runtime.getRuntime().availableProcessors();
        Set<Integer> covered = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; covered.size() < loops; i++) {
            String id = "after-restart-" + i;
            if (covered.add(Math.abs(id.hashCode()) % loops)) {
                ids.add(id);
            }
        }
        return ids;
    }
}
