package io.hybridge.fleet.rollout;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.fleet.inventory.Gateway;
import io.hybridge.fleet.inventory.Inventory;
import io.hybridge.fleet.store.FleetStore;
import io.hybridge.fleet.wire.DeployV2;
import io.hybridge.fleet.wire.EdcTopic;
import io.hybridge.fleet.wire.FleetMqtt;
import io.hybridge.fleet.wire.Reply;
import io.hybridge.fleet.wire.RequestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives rollouts: sends each wave's jobs, follows them through replies and notifications,
 * judges each wave against its thresholds and moves on, pauses, aborts or rolls back.
 *
 * <p>Everything runs on one thread: the periodic tick, replies and notifications are all inputs
 * queued to it, so no state is changed concurrently. The store is the truth: every change is
 * written at once, a rollout is only driven by the engine holding its lease (renewed while it
 * runs, taken over when it expires), and an engine that starts reads its rollouts back and asks
 * each gateway still in flight for its job's status — a restarted manager continues where the
 * previous one stopped. Operators (the CLI, possibly another process) change a rollout's state
 * in the store; the engine sees it at its next tick.
 */
public final class RolloutEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RolloutEngine.class);

    private final FleetStore store;
    private final Inventory inventory;
    private final RequestClient requests;
    private final UnitLocator locator;
    private final EngineSettings settings;
    private final String owner;
    private final ScheduledExecutorService thread;
    private final Map<Long, Active> active = new HashMap<>();
    private final Map<Long, Target> byJob = new HashMap<>();
    private final Map<Long, Unit> units = new HashMap<>();

    /** A rollout this engine drives, with its targets in memory. */
    private static final class Active {
        Rollout rollout;
        final List<Target> targets;
        final int waves;
        long leaseUntil;

        Active(Rollout rollout, List<Target> targets) {
            this.rollout = rollout;
            this.targets = targets;
            this.waves = targets.stream().mapToInt(Target::wave).max().orElse(-1) + 1;
        }

        List<Target> wave(int wave) {
            return targets.stream().filter(t -> t.wave() == wave).toList();
        }

        boolean draining() {
            return targets.stream().anyMatch(t -> t.state().inFlight());
        }
    }

    public RolloutEngine(FleetStore store, Inventory inventory, FleetMqtt mqtt, RequestClient requests, UnitLocator locator,
            EngineSettings settings) {
        this.store = store;
        this.inventory = inventory;
        this.requests = requests;
        this.locator = locator;
        this.settings = settings;
        this.owner = mqtt.clientId();
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "fleet-rollout-engine");
            t.setDaemon(true);
            return t;
        });
        mqtt.addListener(this::onMessage);
        inventory.addListener(g -> thread.execute(() -> onGateway(g)));
    }

    public void start() {
        thread.scheduleWithFixedDelay(this::tick, 0, settings.tick().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs a task on the engine's thread and waits for it, e.g. for a consistent view in tests. */
    public <T> T call(java.util.concurrent.Callable<T> task) throws Exception {
        return thread.submit(task).get(30, TimeUnit.SECONDS);
    }

    // ---- inputs -------------------------------------------------------------------------------

    private void onMessage(EdcTopic topic, KuraPayload payload) {
        if (DeployV2.APP.equals(topic.app()) && "NOTIFY".equals(topic.verb()) && topic.rest().size() == 3) {
            String type = topic.rest().get(2);
            thread.execute(() -> onNotification(type, payload));
        }
    }

    private void onNotification(String type, KuraPayload payload) {
        Object job = payload.metric(DeployV2.JOB_ID);
        if (!(job instanceof Number n)) {
            return;
        }
        Target t = byJob.get(n.longValue());
        if (t != null && TargetTransitions.notified(t, type, payload, now())) {
            save(t);
        }
    }

    private void onGateway(Gateway g) {
        long now = now();
        String last = g.metric(DeployV2.BIRTH_JOB_LAST);
        if (g.online() && last != null && last.indexOf(':') > 0) {
            try {
                long jobId = Long.parseLong(last.substring(0, last.indexOf(':')).trim());
                Target t = byJob.get(jobId);
                if (t != null && t.gateway().equals(g.id())
                        && TargetTransitions.lastJob(t, last.substring(last.indexOf(':') + 1).trim(), now)) {
                    save(t);
                }
            } catch (NumberFormatException e) {
                LOG.debug("{}: deploy.job.last '{}' is not <job.id>:<status>", g.id(), last);
            }
        }
    }

    // ---- the tick -----------------------------------------------------------------------------

    private void tick() {
        try {
            long now = now();
            Map<Long, Rollout> current = new HashMap<>();
            for (Rollout r : store.activeRollouts()) {
                current.put(r.id(), r);
            }
            // rollouts that left the active states (aborted by an operator, finished) drain in memory
            for (Active a : new ArrayList<>(active.values())) {
                if (!current.containsKey(a.rollout.id())) {
                    Optional<Rollout> now2 = store.rollout(a.rollout.id());
                    now2.ifPresent(r -> a.rollout = r);
                    cancelPending(a, now);
                    timeouts(a, now);
                    if (!a.draining()) {
                        forget(a);
                    }
                }
            }
            for (Rollout r : current.values()) {
                Active a = active.get(r.id());
                if (a == null || a.leaseUntil - now < settings.lease().toMillis() / 2) {
                    if (!store.lease(r.id(), owner, now + settings.lease().toMillis(), now)) {
                        if (a != null) {
                            forget(a);
                        }
                        continue;
                    }
                    if (a == null) {
                        a = adopt(r, now);
                    }
                    a.leaseUntil = now + settings.lease().toMillis();
                }
                a.rollout = r;
                drive(a, now);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warn("rollout engine tick failed: {}", e.toString(), e);
        }
    }

    private Active adopt(Rollout r, long now) throws SQLException {
        Active a = new Active(r, new ArrayList<>(store.targets(r.id())));
        active.put(r.id(), a);
        for (Target t : a.targets) {
            if (t.jobId() != 0) {
                byJob.put(t.jobId(), t);
            }
            if (t.state().inFlight()) {
                resync(t, now); // the previous engine may have missed its outcome
            }
        }
        LOG.info("driving rollout {} ({}): {} targets in {} waves", r.id(), r.name(), a.targets.size(), a.waves);
        return a;
    }

    private void forget(Active a) {
        active.remove(a.rollout.id());
        a.targets.forEach(t -> byJob.remove(t.jobId()));
    }

    private void drive(Active a, long now) throws SQLException {
        Rollout r = a.rollout;
        timeouts(a, now);
        for (Target t : a.targets) {
            if (t.state().inFlight() && now - t.updated() > settings.resyncAfter().toMillis()
                    && now - t.notBefore > settings.resyncAfter().toMillis()) {
                t.notBefore = now;
                resync(t, now);
            }
        }
        switch (r.state()) {
            case ROLLBACK_REQUESTED -> rollback(a, r.reason(), now);
            case RUNNING -> run(a, now);
            default -> {
                // PAUSED: in-flight jobs finish, nothing new is sent
            }
        }
    }

    private void run(Active a, long now) throws SQLException {
        Rollout r = a.rollout;
        if (a.waves == 0) {
            store.changeState(r.id(), List.of(RolloutState.RUNNING), RolloutState.COMPLETED, "no gateways to update");
            return;
        }
        int wave = r.currentWave();
        List<Target> targets = a.wave(wave);
        boolean waived = r.waivedWave() == wave;
        WaveVerdict verdict = WaveVerdict.judge(wave, targets.stream().map(Target::state).toList(), r.successPercent(), r.errorPercent());
        if (verdict.outcome() == WaveVerdict.Outcome.ERRORS_EXCEEDED && !waived) {
            LOG.warn("rollout {}: {}", r.id(), verdict.reason());
            switch (r.errorAction()) {
                case PAUSE -> store.changeState(r.id(), List.of(RolloutState.RUNNING), RolloutState.PAUSED, verdict.reason());
                case ABORT -> {
                    if (store.changeState(r.id(), List.of(RolloutState.RUNNING), RolloutState.ABORTED, verdict.reason())) {
                        cancelPending(a, now);
                    }
                }
                case ROLLBACK -> {
                    if (store.changeState(r.id(), List.of(RolloutState.RUNNING), RolloutState.ROLLBACK_REQUESTED, verdict.reason())) {
                        rollback(a, verdict.reason(), now);
                    }
                }
            }
            return;
        }
        if (verdict.outcome() == WaveVerdict.Outcome.DONE_ADVANCE
                || (waived && verdict.outcome() != WaveVerdict.Outcome.RUNNING)) {
            if (wave + 1 < a.waves) {
                store.saveProgress(r.id(), wave + 1, r.waivedWave(), verdict.reason());
                a.rollout = store.rollout(r.id()).orElseThrow();
                LOG.info("rollout {}: {}; starting wave {}", r.id(), verdict.reason(), wave + 2);
                dispatch(a, a.wave(wave + 1), now);
            } else {
                store.changeState(r.id(), List.of(RolloutState.RUNNING), RolloutState.COMPLETED, verdict.reason());
                LOG.info("rollout {} completed: {}", r.id(), verdict.reason());
            }
            return;
        }
        if (verdict.outcome() == WaveVerdict.Outcome.DONE_BELOW_SUCCESS) {
            store.changeState(r.id(), List.of(RolloutState.RUNNING), RolloutState.PAUSED, verdict.reason());
            return;
        }
        dispatch(a, targets, now);
    }

    private void dispatch(Active a, List<Target> wave, long now) {
        Rollout r = a.rollout;
        long inFlight = wave.stream().filter(t -> t.state().inFlight()).count();
        for (Target t : wave) {
            if (inFlight >= r.concurrency()) {
                return;
            }
            if (t.state() != TargetState.PENDING || t.notBefore > now) {
                continue;
            }
            Optional<Gateway> g = inventory.get(t.gateway());
            if (g.isPresent() && !g.get().online()) {
                if (TargetTransitions.offline(t, now)) {
                    save(t);
                }
                continue;
            }
            if (send(a, t, now)) {
                inFlight++;
            }
        }
    }

    private boolean send(Active a, Target t, long now) {
        Rollout r = a.rollout;
        KuraPayload.Builder metrics = KuraPayload.builder();
        long jobId = t.id() * 1000 + (t.attempts() + 1) % 1000;
        String verb = "EXEC";
        String resource;
        if (Target.UNINSTALL.equals(t.action())) {
            resource = "uninstall";
            Unit removed = unit(r.unitId());
            metrics.metric(DeployV2.NAME, removed == null ? "" : removed.name()).metric(DeployV2.JOB_ID, jobId);
        } else {
            resource = "download";
            Unit unit = unit(t.unitId());
            String uri;
            try {
                if (unit == null) {
                    throw new IllegalStateException("unit " + t.unitId() + " is not in the store");
                }
                uri = locator.uri(unit);
            } catch (IllegalStateException e) {
                TargetTransitions.dispatched(t, jobId, now);
                TargetTransitions.refused(t, 0, "not sent: " + e.getMessage(), now);
                save(t);
                return false;
            }
            int blockSize = r.blockSize() > 0 ? r.blockSize() : (int) Math.max(16 * 1024, Math.min(1 << 20, unit.size() / 10 + 1));
            metrics.metric(DeployV2.URI, uri)
                    .metric(DeployV2.NAME, unit.name())
                    .metric(DeployV2.VERSION, unit.version())
                    .metric(DeployV2.JOB_ID, jobId)
                    .metric(DeployV2.PROTOCOL, "HTTP")
                    .metric(DeployV2.BLOCK_SIZE, blockSize)
                    .metric(DeployV2.TIMEOUT, (int) Math.min(Integer.MAX_VALUE, r.gatewayTimeoutMillis()))
                    .metric(DeployV2.RESUME, true)
                    .metric(DeployV2.HASH, "SHA-256:" + unit.sha256Hex())
                    .metric(DeployV2.FORCE, Rollout.ROLLBACK.equals(r.kind()))
                    .metric(DeployV2.INSTALL, true)
                    .metric(DeployV2.SYSTEM_UPDATE, false);
            if (unit.signature() != null) {
                metrics.metric(DeployV2.SIGNATURE, unit.signature()).metric(DeployV2.SIGNATURE_KEY, unit.keyId());
            }
            if (unit.unitType() != null) {
                metrics.metric(DeployV2.UNIT_TYPE, unit.unitType());
            }
            if (r.healthTimeoutMillis() > 0) {
                metrics.metric(DeployV2.HEALTH_TIMEOUT, r.healthTimeoutMillis());
            }
        }
        TargetTransitions.dispatched(t, jobId, now);
        byJob.put(jobId, t);
        save(t);
        String what = verb + "/" + resource;
        CompletableFuture<Reply> reply = requests.request(t.gateway().account(), t.gateway().clientId(), verb, resource,
                metrics.build(), settings.replyTimeout(), settings.replyRetries());
        reply.whenComplete((rep, error) -> thread.execute(() -> onReply(t, jobId, what, rep, error)));
        return true;
    }

    private void onReply(Target t, long jobId, String what, Reply reply, Throwable error) {
        if (t.jobId() != jobId) {
            return;
        }
        long now = now();
        boolean changed;
        if (error != null) {
            Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
            changed = TargetTransitions.noReply(t, cause instanceof TimeoutException ? "no reply to " + what + " after "
                    + (settings.replyRetries() + 1) + " attempts" : "cannot send " + what + ": " + cause, now);
        } else if (reply.ok() || reply.busyJobId() == jobId) {
            changed = TargetTransitions.accepted(t, now); // a repeated request finds its own job running
        } else if (reply.busyJobId() >= 0 || reply.code() == 409) {
            changed = t.attempts() < 100 ? TargetTransitions.busy(t, reply.message(), now, now + settings.busyRetry().toMillis())
                    : TargetTransitions.refused(t, reply.code(), reply.message(), now);
        } else {
            changed = TargetTransitions.refused(t, reply.code(), reply.message(), now);
        }
        if (changed) {
            save(t);
        }
    }

    /** GET/download: the gateway's view of its current or last job, applied like a notification. */
    private void resync(Target t, long now) {
        if (Target.UNINSTALL.equals(t.action())) {
            return;
        }
        long jobId = t.jobId();
        requests.request(t.gateway().account(), t.gateway().clientId(), "GET", "download", KuraPayload.builder().build(),
                settings.replyTimeout(), 0).whenComplete((rep, error) -> thread.execute(() -> {
                    if (error != null || rep == null || !rep.ok() || t.jobId() != jobId) {
                        return;
                    }
                    Object job = rep.payload().metric(DeployV2.JOB_ID);
                    if (!(job instanceof Number n) || n.longValue() != jobId) {
                        return;
                    }
                    boolean changed = TargetTransitions.notified(t, "download", rep.payload(), now());
                    if (rep.payload().metric(DeployV2.INSTALL_STATUS) != null) {
                        changed |= TargetTransitions.notified(t, "install", rep.payload(), now());
                    }
                    if (changed) {
                        save(t);
                    }
                }));
    }

    private void timeouts(Active a, long now) {
        for (Target t : a.targets) {
            if (t.state().inFlight() && now - t.dispatched() > a.rollout.gatewayTimeoutMillis()
                    && TargetTransitions.timedOut(t, a.rollout.gatewayTimeoutMillis(), now)) {
                save(t);
            }
        }
    }

    private void cancelPending(Active a, long now) {
        for (Target t : a.targets) {
            if (TargetTransitions.cancelled(t, now)) {
                save(t);
            }
        }
    }

    /**
     * Stops the rollout and starts a rollback rollout: every gateway that got (or may be getting)
     * the new unit receives the version it had before — known from its {@code deploy.packages} at
     * creation — or an uninstall if it had none.
     */
    private void rollback(Active a, String reason, long now) throws SQLException {
        Rollout r = a.rollout;
        cancelPending(a, now);
        Unit unit = unit(r.unitId());
        List<Target> back = new ArrayList<>();
        int ordinal = 0;
        for (Target t : a.targets) {
            boolean mayHaveIt = t.state() == TargetState.SUCCEEDED || t.state().inFlight() || t.state() == TargetState.TIMED_OUT
                    || (t.state() == TargetState.OFFLINE && t.dispatched() > 0);
            if (!mayHaveIt || unit == null) {
                continue;
            }
            if (t.previousVersion() == null) {
                back.add(new Target(0, 0, ordinal++, t.gateway(), 0, Target.UNINSTALL, 0, null, TargetState.PENDING, 0, 0, 0,
                        null, 0, now, 0));
                continue;
            }
            Optional<Unit> previous = store.unit(unit.name(), t.previousVersion());
            TargetState state = previous.isPresent() ? TargetState.PENDING : TargetState.FAILED;
            String message = previous.isPresent() ? null : "previous version " + unit.name() + "@" + t.previousVersion()
                    + " is not known to the fleet; add it as a unit to roll this gateway back";
            back.add(new Target(0, 0, ordinal++, t.gateway(), 0, Target.INSTALL, previous.map(Unit::id).orElse(0L),
                    unit.version(), state, 0, 0, 0, message, 0, now, state.terminal() ? now : 0));
        }
        Rollout child = new Rollout(0, "rollback of #" + r.id() + " (" + r.name() + ")", Rollout.ROLLBACK, r.id(), r.unitId(),
                r.targetGroup(), "100%", 0, 100, ErrorAction.PAUSE, r.concurrency(), r.gatewayTimeoutMillis(),
                r.healthTimeoutMillis(), r.blockSize(), RolloutState.RUNNING, null, 0, -1, null, 0, now, now, 0);
        long childId = store.createRollout(child, back);
        store.changeState(r.id(), List.of(RolloutState.ROLLBACK_REQUESTED), RolloutState.ROLLED_BACK,
                "rolled back by rollout #" + childId + (reason == null ? "" : ": " + reason));
        LOG.warn("rollout {} rolled back by rollout {} ({} gateways): {}", r.id(), childId, back.size(), reason);
    }

    private Unit unit(long id) {
        if (id == 0) {
            return null;
        }
        return units.computeIfAbsent(id, k -> {
            try {
                return store.unit(k).orElse(null);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void save(Target t) {
        try {
            store.saveTarget(t);
        } catch (SQLException e) {
            LOG.warn("cannot save the state of {} in rollout {}: {}", t.gateway(), t.rolloutId(), e.toString());
        }
    }

    private static long now() {
        return System.currentTimeMillis();
    }

    /** Ids of the rollouts this engine holds right now. */
    public List<Long> driving() throws Exception {
        return call(() -> List.copyOf(active.keySet()));
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
