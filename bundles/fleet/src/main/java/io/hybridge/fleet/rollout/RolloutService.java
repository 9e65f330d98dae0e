package io.hybridge.fleet.rollout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hybridge.fleet.inventory.Gateway;
import io.hybridge.fleet.inventory.GatewayId;
import io.hybridge.fleet.inventory.GatewayQuery;
import io.hybridge.fleet.sign.UnitKeys;
import io.hybridge.fleet.sign.UnitSignature;
import io.hybridge.fleet.store.FleetStore;

/**
 * What an operator does with rollouts, on the store: register units (digest and signature are
 * computed here), create rollouts for a group, and ask for start, pause, resume, abort and
 * rollback. The engine that holds the rollout acts on these at its next tick, in this process
 * or in {@code hybridge-fleet serve}.
 */
public final class RolloutService {
    private final FleetStore store;
    private final String defaultAccount;

    public RolloutService(FleetStore store, String defaultAccount) {
        this.store = store;
        this.defaultAccount = defaultAccount;
    }

    /** Registers a file the fleet serves itself; signs it if a key is given. */
    public Unit addFile(Path file, String name, String version, UnitKeys keys, String unitType) throws IOException, SQLException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("unit file " + file + " does not exist or is not a file");
        }
        UnitSignature sig = keys == null ? UnitSignature.digest(file) : UnitSignature.sign(file, keys);
        return store.addUnit(new Unit(0, name, version, null, file.toAbsolutePath().toString(), sig.sha256Hex(), sig.size(),
                sig.signature(), sig.keyId(), unitType));
    }

    /** Registers a unit served elsewhere; the fleet fetches it once to compute digest and signature. */
    public Unit addUri(String uri, String name, String version, UnitKeys keys, String unitType) throws IOException, SQLException {
        if (!uri.startsWith("http://") && !uri.startsWith("https://")) {
            throw new IllegalArgumentException("unit URI '" + uri + "' must be http:// or https:// (dp.uri)");
        }
        Path tmp = Files.createTempFile("fleet-unit", ".bin");
        try {
            try (var in = java.net.URI.create(uri).toURL().openStream()) {
                Files.copy(in, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            UnitSignature sig = keys == null ? UnitSignature.digest(tmp) : UnitSignature.sign(tmp, keys);
            return store.addUnit(new Unit(0, name, version, uri, null, sig.sha256Hex(), sig.size(), sig.signature(),
                    sig.keyId(), unitType));
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The gateways a group names, in a stable order. */
    public List<GatewayId> resolve(String group) throws SQLException {
        Map<GatewayId, Gateway> known = new LinkedHashMap<>();
        store.gateways().forEach(g -> known.put(g.id(), g));
        List<String> members = null;
        String query = null;
        if (group.startsWith("query:")) {
            query = group.substring("query:".length());
        } else if (group.startsWith("list:")) {
            members = List.of(group.substring("list:".length()).split(","));
        } else {
            FleetStore.Group g = store.group(group).orElseThrow(() -> new IllegalArgumentException("group '" + group
                    + "' does not exist; create it with 'groups add', or give query:<query> or list:<gateways>"));
            members = g.members();
            query = g.query();
        }
        List<GatewayId> ids = new ArrayList<>();
        if (members != null) {
            for (String m : members) {
                if (!m.isBlank()) {
                    GatewayId id = GatewayId.parse(m.trim(), defaultAccount);
                    if (!ids.contains(id)) {
                        ids.add(id);
                    }
                }
            }
        } else {
            GatewayQuery q = GatewayQuery.parse(query);
            known.values().stream().filter(q::matches).map(Gateway::id).sorted().forEach(ids::add);
        }
        return ids;
    }

    /** Creates a rollout (state CREATED) with its targets planned into waves. */
    public long create(RolloutRequest request) throws SQLException {
        Unit unit = store.unit(request.unitId()).orElseThrow(() -> new IllegalArgumentException("unit " + request.unitId()
                + " does not exist; add the unit first"));
        List<GatewayId> ids = resolve(request.group());
        Map<GatewayId, Gateway> known = new LinkedHashMap<>();
        store.gateways().forEach(g -> known.put(g.id(), g));
        int[] waves = WavePlan.parse(request.waves()).assign(ids.size());
        long now = System.currentTimeMillis();
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            Gateway g = known.get(ids.get(i));
            String previous = g == null ? null : g.installedVersion(unit.name());
            boolean already = !request.reinstall() && unit.version().equals(previous);
            TargetState state = already ? TargetState.SKIPPED : TargetState.PENDING;
            targets.add(new Target(0, 0, i, ids.get(i), waves[i], Target.INSTALL, unit.id(), previous, state, 0, 0,
                    already ? 100 : 0, already ? unit.label() + " already installed" : null, 0, now, already ? now : 0));
        }
        Rollout r = new Rollout(0, request.name(), Rollout.DEPLOY, 0, unit.id(), request.group(), request.waves(),
                request.successPercent(), request.errorPercent(), request.errorAction(), request.concurrency(),
                request.gatewayTimeout().toMillis(), request.healthTimeout().toMillis(), request.blockSize(),
                RolloutState.CREATED, null, 0, -1, null, 0, now, 0, 0);
        return store.createRollout(r, targets);
    }

    public void start(long id) throws SQLException {
        change(id, List.of(RolloutState.CREATED), RolloutState.RUNNING, "started", "start");
    }

    public void pause(long id) throws SQLException {
        change(id, List.of(RolloutState.RUNNING), RolloutState.PAUSED, "paused by the operator", "pause");
    }

    /** Resumes a paused rollout; the current wave's thresholds are waived, the operator has seen its figures. */
    public void resume(long id) throws SQLException {
        Rollout r = get(id);
        store.waive(id, r.currentWave());
        change(id, List.of(RolloutState.PAUSED), RolloutState.RUNNING, "resumed by the operator", "resume");
    }

    public void abort(long id) throws SQLException {
        change(id, List.of(RolloutState.CREATED, RolloutState.RUNNING, RolloutState.PAUSED), RolloutState.ABORTED,
                "aborted by the operator", "abort");
    }

    /** Asks for a rollback of a rollout (any state but CREATED and rolled back). */
    public void rollback(long id) throws SQLException {
        change(id, List.of(RolloutState.RUNNING, RolloutState.PAUSED, RolloutState.COMPLETED, RolloutState.ABORTED),
                RolloutState.ROLLBACK_REQUESTED, "rollback requested by the operator", "roll back");
    }

    private void change(long id, List<RolloutState> from, RolloutState to, String reason, String verb) throws SQLException {
        Rollout r = get(id);
        if (!store.changeState(id, from, to, reason)) {
            throw new IllegalStateException("cannot " + verb + " rollout " + id + ": it is " + store.rollout(id).map(Rollout::state).orElse(r.state())
                    + ", and only a rollout that is " + from + " can be");
        }
    }

    public Rollout get(long id) throws SQLException {
        return store.rollout(id).orElseThrow(() -> new IllegalArgumentException("rollout " + id + " does not exist"));
    }

    public RolloutStatus status(long id) throws SQLException {
        Rollout r = get(id);
        return RolloutStatus.of(r, store.targets(id), store.unit(r.unitId()).orElse(null));
    }
}
