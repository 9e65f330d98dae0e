package io.hybridge.config.internal;

import static io.hybridge.config.internal.FakeMetatype.ad;
import static io.hybridge.config.internal.FakeMetatype.ocd;
import static org.osgi.service.metatype.AttributeDefinition.BOOLEAN;
import static org.osgi.service.metatype.AttributeDefinition.INTEGER;
import static org.osgi.service.metatype.AttributeDefinition.PASSWORD;
import static org.osgi.service.metatype.AttributeDefinition.STRING;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A gateway for unit tests: an in-memory Config Admin, Metatype described in code, snapshots
 * in a temporary directory and a clock the test moves. It describes
 * <ul>
 * <li>{@code io.hybridge.broker}: enabled (Boolean, default true), host (String, default
 *     0.0.0.0), port (Integer 1..65535, optional), mode (one of fast, safe; default fast),
 *     secret (Password, optional)</li>
 * <li>{@code io.hybridge.broker.account} (factory): username (String, 1..32 characters,
 *     required, no default), password (Password, required), publish (String list, optional)</li>
 * </ul>
 */
public final class TestGateway {

    public static final String BROKER = "io.hybridge.broker";
    public static final String ACCOUNT = "io.hybridge.broker.account";

    public final FakeConfigurationAdmin configAdmin = new FakeConfigurationAdmin();
    public final FakeMetatype metatype = new FakeMetatype()
            .pid(BROKER, ocd("BrokerConfig")
                    .ad(ad("enabled", BOOLEAN).defaults("true"))
                    .ad(ad("host", STRING).defaults("0.0.0.0"))
                    .ad(ad("port", INTEGER).optional().range("1", "65535"))
                    .ad(ad("mode", STRING).options("fast", "safe").defaults("fast"))
                    .ad(ad("secret", PASSWORD).optional()))
            .factory(ACCOUNT, ocd("AccountConfig")
                    .ad(ad("username", STRING).range("1", "32"))
                    .ad(ad("password", PASSWORD))
                    .ad(ad("publish", STRING).cardinality(Integer.MAX_VALUE).optional().defaults("")));
    public final TestClock clock = new TestClock();
    public final SnapshotStore snapshots;
    public final ConfigurationService service;

    public TestGateway(Path snapshotDir, int maxSnapshots) {
        this.snapshots = new SnapshotStore(snapshotDir, maxSnapshots, clock);
        this.service = new ConfigurationService(configAdmin, metatype, snapshots);
    }

    public static ConfigurationChange change(String pid, RequestedProperty... properties) {
        return new ConfigurationChange(pid, List.of(properties));
    }

    public static RequestedProperty set(String name, Object json) {
        return new RequestedProperty(name, null, json);
    }

    public static RequestedProperty set(String name, PropertyType declared, Object json) {
        return new RequestedProperty(name, declared, json);
    }

    public static RequestedProperty remove(String name) {
        return new RequestedProperty(name, null, null);
    }

    public static List<Object> list(Object... values) {
        List<Object> list = new ArrayList<>();
        for (Object value : values) {
            list.add(value);
        }
        return list;
    }

    /** A clock that stands still unless the test moves it: snapshot ids are then predictable. */
    public static final class TestClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        public void advanceMillis(long millis) {
            now = now.plusMillis(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
