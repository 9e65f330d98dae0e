package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hybridge.api.health.HealthStatus;
import io.hybridge.broker.internal.Mosquitto.Result;
import io.hybridge.broker.internal.Mosquitto.Subscriber;

/**
 * The broker against the real Mosquitto clients: who gets in and what reaches whom. Each
 * delivery check publishes a forbidden message before an allowed one to a subscriber that stops
 * after one message, so "the forbidden one did not arrive" is decided by the allowed one
 * arriving first, not by waiting out a quiet period.
 */
class LocalBrokerMosquittoTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** How long a subscriber that should receive nothing waits before it gives up. */
    private static final int QUIET_SECONDS = 3;

    private final Accounts accounts = new Accounts();
    private LocalBroker broker;
    private Mosquitto mosquitto;

    @BeforeAll
    static void requireMosquittoClients() {
        if (!Mosquitto.installed() && "true".equals(System.getenv("CI"))) {
            fail("CI=true but " + Mosquitto.PUB + ", " + Mosquitto.SUB + " or " + Mosquitto.STDBUF
                    + " is missing; install the Debian packages mosquitto-clients and coreutils");
        }
        assumeTrue(Mosquitto.installed(), Mosquitto.PUB + " not found; install the Debian package"
                + " mosquitto-clients to run the end-to-end broker tests");
    }

    @BeforeEach
    void startBroker() throws Exception {
        int port = LocalBrokerTest.freePort();
        Map<String, Object> config = LocalBrokerTest.loopback(port);
        broker = new LocalBroker(Configs.of(BrokerConfig.class, config), config, name -> null, accounts);
        assertThat(broker.awaitSettled(TIMEOUT)).isTrue();
        assertThat(broker.health().status()).isEqualTo(HealthStatus.UP);
        // accounts arrive after the broker runs, as their configurations do: no restart needed
        AccountTest.account(accounts, "io.hybridge.broker.account~writer", "writer", "writer-pw",
                new String[] {"sensors/#", "secrets/#"}, new String[0]);
        AccountTest.account(accounts, "io.hybridge.broker.account~reader", "reader", "reader-pw",
                new String[0], new String[] {"sensors/#", "alerts/#"});
        mosquitto = new Mosquitto(port);
    }

    @AfterEach
    void stopBroker() {
        broker.deactivate();
    }

    @Test
    void authenticatedClientIsAccepted() throws Exception {
        Result result = mosquitto.publish("writer", "writer-pw", 1, "sensors/temp", "21.5");
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    @Test
    void wrongPasswordIsRefused() throws Exception {
        Result result = mosquitto.publish("writer", "reader-pw", 1, "sensors/temp", "21.5");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("Connection Refused");
    }

    @Test
    void unknownUserAndAnonymousAreRefused() throws Exception {
        assertThat(mosquitto.publish("mallory", "x", 1, "sensors/temp", "1").exitCode()).isNotZero();
        assertThat(mosquitto.publish(null, null, 1, "sensors/temp", "1").exitCode()).isNotZero();
    }

    @Test
    void publishWithinBothAccountsReachesTheSubscriber() throws Exception {
        try (Subscriber reader = mosquitto.subscribe("reader", "reader-pw", QUIET_SECONDS * 5, "sensors/#")) {
            assertThat(reader.awaitSuback(TIMEOUT)).containsExactly(1);

            assertThat(mosquitto.publish("writer", "writer-pw", 1, "sensors/hall/temp", "21.5").exitCode()).isZero();

            assertThat(reader.awaitMessages(TIMEOUT)).containsExactly("sensors/hall/temp 21.5");
        }
    }

    @Test
    void publishOutsideThePublishersFiltersIsNotDelivered() throws Exception {
        try (Subscriber reader = mosquitto.subscribe("reader", "reader-pw", QUIET_SECONDS * 5, "alerts/#", "sensors/#")) {
            assertThat(reader.awaitSuback(TIMEOUT)).containsExactly(1, 1);

            mosquitto.publish("writer", "writer-pw", 0, "alerts/fire", "forged"); // writer may not publish there
            assertThat(mosquitto.publish("writer", "writer-pw", 1, "sensors/temp", "allowed").exitCode()).isZero();

            assertThat(reader.awaitMessages(TIMEOUT)).containsExactly("sensors/temp allowed");
        }
    }

    @Test
    void subscriptionOutsideTheSubscribersFiltersIsRefusedAndGetsNothing() throws Exception {
        try (Subscriber reader = mosquitto.subscribe("reader", "reader-pw", QUIET_SECONDS * 5, "secrets/#", "sensors/#")) {
            assertThat(reader.awaitSuback(TIMEOUT)).containsExactly(128, 1);

            assertThat(mosquitto.publish("writer", "writer-pw", 1, "secrets/key", "hidden").exitCode()).isZero();
            assertThat(mosquitto.publish("writer", "writer-pw", 1, "sensors/temp", "visible").exitCode()).isZero();

            assertThat(reader.awaitMessages(TIMEOUT)).containsExactly("sensors/temp visible");
        }
    }

    @Test
    void wildcardSubscriptionWiderThanTheFiltersIsRefused() throws Exception {
        try (Subscriber reader = mosquitto.subscribe("reader", "reader-pw", QUIET_SECONDS, "#")) {
            assertThat(reader.awaitSuback(TIMEOUT)).containsExactly(128);

            mosquitto.publish("writer", "writer-pw", 1, "sensors/temp", "not for '#'");

            List<String> messages = reader.awaitMessages(TIMEOUT);
            assertThat(messages).as(reader.output()).isEmpty();
        }
    }

    @Test
    void removedAccountCanNoLongerLogIn() throws Exception {
        Account temporary = AccountTest.account(accounts, "io.hybridge.broker.account~tmp", "tmp", "tmp-pw",
                new String[] {"sensors/#"}, new String[0]);
        assertThat(mosquitto.publish("tmp", "tmp-pw", 1, "sensors/a", "1").exitCode()).isZero();
        assertThat(broker.health().details()).containsEntry("accounts", 3);

        temporary.deactivate(); // its configuration was deleted

        assertThat(mosquitto.publish("tmp", "tmp-pw", 1, "sensors/a", "1").exitCode()).isNotZero();
        assertThat(broker.health().details()).containsEntry("accounts", 2);
    }
}
