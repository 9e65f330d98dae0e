package io.hybridge.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;

class HealthAggregatorTest {

    private final HealthAggregator aggregator = new HealthAggregator(required("broker", "device"));

    @AfterEach
    void stop() {
        aggregator.deactivate();
    }

    @Test
    void isNotReadyWhileARequiredSubsystemIsMissing() {
        aggregator.addContributor(contributor("broker", Health.up("listening")));
        var health = aggregator.current();
        assertThat(health.ready()).isFalse();
        assertThat(health.status()).isEqualTo(HealthStatus.STARTING);
        assertThat(health.subsystems().get("device").message()).isEqualTo("not reported yet");
    }

    @Test
    void isReadyWhenRequiredSubsystemsAreUpAndReportsTheWorstStatus() {
        aggregator.addContributor(contributor("broker", Health.of(HealthStatus.DISABLED, "external broker")));
        aggregator.addContributor(contributor("device", Health.up("detected")));
        assertThat(aggregator.current().ready()).isTrue();
        assertThat(aggregator.current().status()).as("disabled does not count against").isEqualTo(HealthStatus.UP);

        aggregator.addContributor(contributor("deploy", Health.of(HealthStatus.DEGRADED, "bad file")));
        assertThat(aggregator.current().ready()).isTrue();
        assertThat(aggregator.current().status()).isEqualTo(HealthStatus.DEGRADED);

        aggregator.addContributor(contributor("cloud", Health.down("unreachable")));
        assertThat(aggregator.current().ready()).isFalse();
        assertThat(aggregator.current().status()).isEqualTo(HealthStatus.DOWN);
    }

    @Test
    void aFailingHealthCheckCountsAsDownNotAsACrash() {
        aggregator.addContributor(contributor("broker", null));
        assertThat(aggregator.current().subsystems().get("broker").status()).isEqualTo(HealthStatus.DOWN);
    }

    private static HealthContributor contributor(String name, Health health) {
        return new HealthContributor() {
            @Override
            public String subsystem() {
                return name;
            }

            @Override
            public Health health() {
                if (health == null) {
                    throw new IllegalStateException("boom");
                }
                return health;
            }
        };
    }

    private static HealthAggregator.Config required(String... names) {
        return new HealthAggregator.Config() {
            @Override
            public String[] required() {
                return names;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return HealthAggregator.Config.class;
            }
        };
    }
}
