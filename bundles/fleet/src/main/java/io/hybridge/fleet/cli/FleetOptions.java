package io.hybridge.fleet.cli;

import java.nio.file.Files;
import java.nio.file.Path;

import io.hybridge.fleet.store.FleetStore;
import io.hybridge.fleet.wire.MqttSettings;
import picocli.CommandLine.Option;

/** Options every command shares: where the state is, which account, how to reach the broker. */
final class FleetOptions {
    @Option(names = "--home", description = "state directory (H2 database, keys); default $HYBRIDGE_FLEET_HOME or ~/.hybridge-fleet")
    Path home;

    @Option(names = "--db", description = "JDBC URL: jdbc:h2:... (default: <home>/fleet, embedded) or jdbc:postgresql://host:port/db")
    String db;

    @Option(names = "--db-user", description = "database user (or in the URL)")
    String dbUser;

    @Option(names = "--db-password", description = "database password; default $HYBRIDGE_FLEET_DB_PASSWORD")
    String dbPassword;

    @Option(names = "--account", description = "Kapua account of gateways named without one; default ${DEFAULT-VALUE}", defaultValue = "hybridge")
    String account;

    @Option(names = "--broker", description = "MQTT broker of the fleet (tcp://, ssl://); default $HYBRIDGE_FLEET_BROKER")
    String broker;

    @Option(names = "--client-id", description = "the manager's MQTT client id (requester id); default ${DEFAULT-VALUE}", defaultValue = "hybridge-fleet")
    String clientId;

    @Option(names = "--username", description = "broker user")
    String username;

    @Option(names = "--password", description = "broker password; default $HYBRIDGE_FLEET_PASSWORD")
    String password;

    Path home() throws java.io.IOException {
        Path h = home != null ? home : System.getenv("HYBRIDGE_FLEET_HOME") != null ? Path.of(System.getenv("HYBRIDGE_FLEET_HOME"))
                : Path.of(System.getProperty("user.home"), ".hybridge-fleet");
        Files.createDirectories(h);
        return h;
    }

    FleetStore store() throws Exception {
        String url = db != null ? db : FleetStore.h2Url(home());
        String pw = dbPassword != null ? dbPassword : System.getenv("HYBRIDGE_FLEET_DB_PASSWORD");
        return FleetStore.open(url, dbUser, dbUser == null ? null : pw);
    }

    MqttSettings mqtt() {
        String uri = broker != null ? broker : System.getenv("HYBRIDGE_FLEET_BROKER");
        if (uri == null) {
            throw new IllegalArgumentException("no broker: give --broker tcp://host:port or set HYBRIDGE_FLEET_BROKER");
        }
        String pw = password != null ? password : System.getenv("HYBRIDGE_FLEET_PASSWORD");
        return new MqttSettings(uri, clientId, username, username == null ? null : pw);
    }
}
