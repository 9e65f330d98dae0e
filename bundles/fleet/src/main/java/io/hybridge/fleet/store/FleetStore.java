package io.hybridge.fleet.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.jr.ob.JSON;
import io.hybridge.fleet.inventory.Gateway;
import io.hybridge.fleet.inventory.GatewayId;
import io.hybridge.fleet.rollout.ErrorAction;
import io.hybridge.fleet.rollout.Rollout;
import io.hybridge.fleet.rollout.RolloutState;
import io.hybridge.fleet.rollout.Target;
import io.hybridge.fleet.rollout.TargetState;
import io.hybridge.fleet.rollout.Unit;

/**
 * The fleet's state in a relational database over JDBC: H2 embedded (a file, the default) or
 * PostgreSQL, with one schema for both, created and upgraded by the versioned scripts
 * {@code V<n>__*.sql} beside this class. One connection, used under this object's lock: the
 * engine thread and the inventory listener are the only writers of a process, and other
 * processes (the CLI while {@code serve} runs) only change a rollout's state with a
 * compare-and-set.
 */
public final class FleetStore implements AutoCloseable {
    static final String[] MIGRATIONS = {"V1__fleet.sql"};

    private final String url;
    private final Connection connection;

    private FleetStore(String url, Connection connection) {
        this.url = url;
        this.connection = connection;
    }

    /**
     * Opens (and migrates) the store at a JDBC URL: {@code jdbc:h2:...} or {@code jdbc:postgresql://...}.
     * Credentials may be in the URL (PostgreSQL: {@code ?user=..&password=..}).
     */
    public static FleetStore open(String url, String user, String password) throws SQLException {
        if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("database URL '" + url + "' is neither jdbc:h2:... nor jdbc:postgresql://...");
        }
        Connection c = user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
        c.setAutoCommit(true);
        FleetStore store = new FleetStore(url, c);
        store.migrate();
        return store;
    }

    /** The default embedded database in a directory: H2, reachable by other processes while one has it open. */
    public static String h2Url(java.nio.file.Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().resolve("fleet") + ";AUTO_SERVER=TRUE";
    }

    public String url() {
        return url;
    }

    // ---- schema -------------------------------------------------------------------------------

    private synchronized void migrate() throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS fleet_schema (version INT PRIMARY KEY, applied BIGINT NOT NULL)");
        }
        int current = 0;
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM fleet_schema")) {
            if (rs.next()) {
                current = rs.getInt(1);
            }
        }
        for (int v = current + 1; v <= MIGRATIONS.length; v++) {
            String script = resource(MIGRATIONS[v - 1]);
            connection.setAutoCommit(false);
            try (Statement s = connection.createStatement()) {
                for (String sql : statements(script)) {
                    s.execute(sql);
                }
                s.execute("INSERT INTO fleet_schema (version, applied) VALUES (" + v + ", " + System.currentTimeMillis() + ")");
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw new SQLException("schema migration " + MIGRATIONS[v - 1] + " failed on " + url + ": " + e.getMessage(), e);
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    public synchronized int schemaVersion() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM fleet_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                String sql = current.toString().trim();
                out.add(sql.substring(0, sql.length() - 1));
                current.setLength(0);
            }
        }
        return out;
    }

    private static String resource(String name) {
        try (InputStream in = FleetStore.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("migration " + name + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- inventory ----------------------------------------------------------------------------

    public synchronized void saveGateway(Gateway g) throws SQLException {
        String metrics;
        try {
            metrics = JSON.std.asString(g.metrics());
        } catch (IOException e) {
            throw new SQLException(e);
        }
        try (PreparedStatement u = connection.prepareStatement(
                "UPDATE fleet_gateway SET online=?, last_seen=?, metrics=? WHERE account=? AND client_id=?")) {
            u.setBoolean(1, g.online());
            u.setLong(2, g.lastSeenMillis());
            u.setString(3, metrics);
            u.setString(4, g.id().account());
            u.setString(5, g.id().clientId());
            if (u.executeUpdate() > 0) {
                return;
            }
        }
        try (PreparedStatement i = connection.prepareStatement(
                "INSERT INTO fleet_gateway (account, client_id, online, last_seen, metrics) VALUES (?,?,?,?,?)")) {
            i.setString(1, g.id().account());
            i.setString(2, g.id().clientId());
            i.setBoolean(3, g.online());
            i.setLong(4, g.lastSeenMillis());
            i.setString(5, metrics);
            i.executeUpdate();
        }
    }

    /** DC/LWT: only the flag changes; the metrics of the last BIRTH stay. */
    public synchronized void saveGatewayOnline(Gateway g) throws SQLException {
        if (g.metrics().isEmpty()) {
            saveGateway(g);
            return;
        }
        try (PreparedStatement u = connection.prepareStatement(
                "UPDATE fleet_gateway SET online=?, last_seen=? WHERE account=? AND client_id=?")) {
            u.setBoolean(1, g.online());
            u.setLong(2, g.lastSeenMillis());
            u.setString(3, g.id().account());
            u.setString(4, g.id().clientId());
            if (u.executeUpdate() == 0) {
                saveGateway(g);
            }
        }
    }

    @SuppressWarnings("unchecked")
    public synchronized List<Gateway> gateways() throws SQLException {
        List<Gateway> list = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT account, client_id, online, last_seen, metrics FROM fleet_gateway ORDER BY account, client_id")) {
            while (rs.next()) {
                Map<String, String> metrics = new LinkedHashMap<>();
                try {
                    JSON.std.mapFrom(rs.getString(5)).forEach((k, v) -> metrics.put(k, String.valueOf(v)));
                } catch (IOException e) {
                    throw new SQLException("metrics of " + rs.getString(1) + "/" + rs.getString(2) + " are not JSON", e);
                }
                list.add(new Gateway(new GatewayId(rs.getString(1), rs.getString(2)), rs.getBoolean(3), rs.getLong(4), metrics));
            }
        }
        return list;
    }

    // ---- groups -------------------------------------------------------------------------------

    /** A group is either an explicit member list ({@code account/client-id}, comma-separated) or a query. */
    public record Group(String name, List<String> members, String query) {
    }

    public synchronized void saveGroup(Group g) throws SQLException {
        try (PreparedStatement d = connection.prepareStatement("DELETE FROM fleet_group WHERE name=?")) {
            d.setString(1, g.name());
            d.executeUpdate();
        }
        try (PreparedStatement i = connection.prepareStatement("INSERT INTO fleet_group (name, members, query) VALUES (?,?,?)")) {
            i.setString(1, g.name());
            i.setString(2, g.members() == null ? null : String.join(",", g.members()));
            i.setString(3, g.query());
            i.executeUpdate();
        }
    }

    public synchronized boolean deleteGroup(String name) throws SQLException {
        try (PreparedStatement d = connection.prepareStatement("DELETE FROM fleet_group WHERE name=?")) {
            d.setString(1, name);
            return d.executeUpdate() > 0;
        }
    }

    public synchronized List<Group> groups() throws SQLException {
        List<Group> list = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT name, members, query FROM fleet_group ORDER BY name")) {
            while (rs.next()) {
                String members = rs.getString(2);
                list.add(new Group(rs.getString(1), members == null ? null : List.of(members.split(",")), rs.getString(3)));
            }
        }
        return list;
    }

    public Optional<Group> group(String name) throws SQLException {
        return groups().stream().filter(g -> g.name().equals(name)).findFirst();
    }

    // ---- units --------------------------------------------------------------------------------

    /**
     * Records a unit, or returns the one already recorded under its name and version if it has
     * the same digest.
     *
     * @throws IllegalArgumentException if that name and version are recorded with another digest
     */
    public synchronized Unit addUnit(Unit u) throws SQLException {
        Optional<Unit> existing = unit(u.name(), u.version());
        if (existing.isPresent()) {
            if (!existing.get().sha256Hex().equals(u.sha256Hex())) {
                throw new IllegalArgumentException("unit " + u.label() + " is already known with SHA-256 "
                        + existing.get().sha256Hex() + ", not " + u.sha256Hex() + ": give the changed unit a new version");
            }
            return existing.get();
        }
        try (PreparedStatement i = connection.prepareStatement("INSERT INTO fleet_unit (name, version, uri, file_path, sha256,"
                + " size, signature, key_id, unit_type, created) VALUES (?,?,?,?,?,?,?,?,?,?)")) {
            i.setString(1, u.name());
            i.setString(2, u.version());
            i.setString(3, u.uri());
            i.setString(4, u.filePath());
            i.setString(5, u.sha256Hex());
            i.setLong(6, u.size());
            i.setString(7, u.signature());
            i.setString(8, u.keyId());
            i.setString(9, u.unitType());
            i.setLong(10, System.currentTimeMillis());
            i.executeUpdate();
        }
        return unit(u.name(), u.version()).orElseThrow();
    }

    public synchronized Optional<Unit> unit(String name, String version) throws SQLException {
        return units("WHERE name=? AND version=?", name, version).stream().findFirst();
    }

    public synchronized Optional<Unit> unit(long id) throws SQLException {
        return units("WHERE id=?", id).stream().findFirst();
    }

    public synchronized Optional<Unit> unitBySha256(String sha256Hex) throws SQLException {
        return units("WHERE sha256=? AND file_path IS NOT NULL", sha256Hex).stream().findFirst();
    }

    public synchronized List<Unit> units() throws SQLException {
        return units("");
    }

    private List<Unit> units(String where, Object... args) throws SQLException {
        List<Unit> list = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT id, name, version, uri, file_path, sha256, size,"
                + " signature, key_id, unit_type FROM fleet_unit " + where + " ORDER BY id")) {
            bind(q, args);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    list.add(new Unit(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getLong(7), rs.getString(8), rs.getString(9), rs.getString(10)));
                }
            }
        }
        return list;
    }

    // ---- rollouts -----------------------------------------------------------------------------

    /** Stores a new rollout and its targets in one transaction; returns its id. */
    public synchronized long createRollout(Rollout r, List<Target> targets) throws SQLException {
        connection.setAutoCommit(false);
        try {
            long id;
            try (PreparedStatement i = connection.prepareStatement("INSERT INTO fleet_rollout (name, kind, parent_id, unit_id,"
                    + " target_group, waves, success_pct, error_pct, error_action, concurrency, gateway_timeout_ms,"
                    + " health_timeout_ms, block_size, state, reason, current_wave, waived_wave, owner, lease_until, created,"
                    + " started, ended) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", new String[] {"id"})) {
                bind(i, r.name(), r.kind(), r.parentId(), r.unitId(), r.targetGroup(), r.waves(), r.successPercent(),
                        r.errorPercent(), r.errorAction().name(), r.concurrency(), r.gatewayTimeoutMillis(),
                        r.healthTimeoutMillis(), r.blockSize(), r.state().name(), r.reason(), r.currentWave(), r.waivedWave(),
                        r.owner(), r.leaseUntil(), r.created(), r.started(), r.ended());
                i.executeUpdate();
                try (ResultSet keys = i.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            }
            try (PreparedStatement i = connection.prepareStatement("INSERT INTO fleet_target (rollout_id, ordinal, account,"
                    + " client_id, wave, action, unit_id, previous_version, state, job_id, attempts, progress, message,"
                    + " dispatched, updated, finished) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
                for (Target t : targets) {
                    bind(i, id, t.ordinal(), t.gateway().account(), t.gateway().clientId(), t.wave(), t.action(),
                            t.unitId(), t.previousVersion(), t.state().name(), t.jobId(), t.attempts(), t.progress(),
                            t.message(), t.dispatched(), t.updated(), t.finished());
                    i.addBatch();
                }
                i.executeBatch();
            }
            connection.commit();
            return id;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    public synchronized Optional<Rollout> rollout(long id) throws SQLException {
        return rollouts("WHERE id=?", id).stream().findFirst();
    }

    public synchronized List<Rollout> rollouts() throws SQLException {
        return rollouts("");
    }

    public synchronized List<Rollout> activeRollouts() throws SQLException {
        return rollouts("WHERE state IN ('RUNNING','PAUSED','ROLLBACK_REQUESTED')");
    }

    private List<Rollout> rollouts(String where, Object... args) throws SQLException {
        List<Rollout> list = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT id, name, kind, parent_id, unit_id, target_group, waves,"
                + " success_pct, error_pct, error_action, concurrency, gateway_timeout_ms, health_timeout_ms, block_size, state,"
                + " reason, current_wave, waived_wave, owner, lease_until, created, started, ended FROM fleet_rollout "
                + where + " ORDER BY id")) {
            bind(q, args);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    list.add(new Rollout(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                            rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9), ErrorAction.valueOf(rs.getString(10)),
                            rs.getInt(11), rs.getLong(12), rs.getLong(13), rs.getInt(14), RolloutState.valueOf(rs.getString(15)),
                            rs.getString(16), rs.getInt(17), rs.getInt(18), rs.getString(19), rs.getLong(20), rs.getLong(21),
                            rs.getLong(22), rs.getLong(23)));
                }
            }
        }
        return list;
    }

    /** Changes a rollout's state if it is in one of {@code from}; returns whether it did. */
    public synchronized boolean changeState(long id, List<RolloutState> from, RolloutState to, String reason) throws SQLException {
        StringBuilder in = new StringBuilder();
        for (RolloutState s : from) {
            in.append(in.length() == 0 ? "" : ",").append('\'').append(s.name()).append('\'');
        }
        long now = System.currentTimeMillis();
        String extra = to == RolloutState.RUNNING ? ", started=CASE WHEN started=0 THEN " + now + " ELSE started END"
                : to.active() ? "" : ", ended=" + now;
        try (PreparedStatement u = connection.prepareStatement("UPDATE fleet_rollout SET state=?, reason=?" + extra
                + " WHERE id=? AND state IN (" + in + ")")) {
            bind(u, to.name(), reason, id);
            return u.executeUpdate() > 0;
        }
    }

    /** The engine's progress on a rollout: current wave, the wave whose thresholds an operator waived. */
    public synchronized void saveProgress(long id, int currentWave, int waivedWave, String reason) throws SQLException {
        try (PreparedStatement u = connection.prepareStatement(
                "UPDATE fleet_rollout SET current_wave=?, waived_wave=?, reason=? WHERE id=?")) {
            bind(u, currentWave, waivedWave, reason, id);
            u.executeUpdate();
        }
    }

    public synchronized void waive(long id, int wave) throws SQLException {
        try (PreparedStatement u = connection.prepareStatement("UPDATE fleet_rollout SET waived_wave=? WHERE id=?")) {
            bind(u, wave, id);
            u.executeUpdate();
        }
    }

    /**
     * Takes or renews the lease of an engine on a rollout: only the holder drives it. A lease
     * held by another engine is taken over once it has expired (that engine stopped or crashed).
     */
    public synchronized boolean lease(long id, String owner, long until, long now) throws SQLException {
        try (PreparedStatement u = connection.prepareStatement("UPDATE fleet_rollout SET owner=?, lease_until=?"
                + " WHERE id=? AND (owner IS NULL OR owner=? OR lease_until<?)")) {
            bind(u, owner, until, id, owner, now);
            return u.executeUpdate() > 0;
        }
    }

    // ---- targets ------------------------------------------------------------------------------

    public synchronized List<Target> targets(long rolloutId) throws SQLException {
        List<Target> list = new ArrayList<>();
        try (PreparedStatement q = connection.prepareStatement("SELECT id, rollout_id, ordinal, account, client_id, wave,"
                + " action, unit_id, previous_version, state, job_id, attempts, progress, message, dispatched, updated,"
                + " finished FROM fleet_target WHERE rollout_id=? ORDER BY ordinal")) {
            bind(q, rolloutId);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    list.add(new Target(rs.getLong(1), rs.getLong(2), rs.getInt(3), new GatewayId(rs.getString(4), rs.getString(5)),
                            rs.getInt(6), rs.getString(7), rs.getLong(8), rs.getString(9), TargetState.valueOf(rs.getString(10)),
                            rs.getLong(11), rs.getInt(12), rs.getInt(13), rs.getString(14), rs.getLong(15), rs.getLong(16),
                            rs.getLong(17)));
                }
            }
        }
        return list;
    }

    public synchronized void saveTarget(Target t) throws SQLException {
        try (PreparedStatement u = connection.prepareStatement("UPDATE fleet_target SET state=?, job_id=?, attempts=?,"
                + " progress=?, message=?, dispatched=?, updated=?, finished=? WHERE id=?")) {
            bind(u, t.state().name(), t.jobId(), t.attempts(), t.progress(), t.message(), t.dispatched(), t.updated(),
                    t.finished(), t.id());
            u.executeUpdate();
        }
    }

    private static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            if (a == null) {
                s.setNull(i + 1, java.sql.Types.VARCHAR);
            } else {
                s.setObject(i + 1, a);
            }
        }
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
