package io.hybridge.workloads.internal.supervisor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.RuntimeAvailability;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.HealthCheckType;
import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * Keeps one workload's desired spec true: an explicit state machine whose inputs (a new spec,
 * an exit seen by the runtime, the engine coming and going, a backoff or health tick, an
 * operator's restart) all run on the workload's own serial executor, so its state is never
 * mutated concurrently. Blocking runtime calls (image pulls) run there too: they hold up only
 * this workload.
 *
 * <p>Every change of spec, restart or removal starts a new <em>generation</em>; timers armed
 * under an older one find themselves stale and do nothing.
 */
final class WorkloadMachine {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadMachine.class);
    private static final Duration PREPARE_RETRY_MAX = Duration.ofMinutes(5);

    private final String name;
    private final MachineContext ctx;
    private final Executor executor;

    // state below: touched only on executor
    private WorkloadSpec spec;
    private String specHash = "";
    private String source = "";
    private long generation;
    private boolean removed;
    /** A workload-wide condition that stops replicas from running (engine, image); null when none. */
    private WorkloadState blocked = WorkloadState.PENDING;
    private String blockedMessage = "waiting for its first reconcile";
    private int prepareFailures;
    private Future<?> prepareRetry;
    private String refusedChange = "";
    private final Map<Integer, Replica> replicas = new TreeMap<>();
    /** Instances the gateway stopped itself: their exit is expected, not a failure. */
    private final Set<String> expectedExits = new HashSet<>();
    private int restarts;
    private WorkloadStatus.Exit lastExit;
    private Instant since;
    private WorkloadState lastReported;

    private volatile WorkloadStatus status;

    WorkloadMachine(String name, MachineContext ctx, Executor executor) {
        this.name = name;
        this.ctx = ctx;
        this.executor = executor;
        this.since = ctx.clock().instant();
        this.status = new WorkloadStatus(name, null, "", "", WorkloadState.PENDING, blockedMessage, since, 0, null, 0, List.of());
    }

    String name() {
        return name;
    }

    WorkloadStatus status() {
        return status;
    }

    /** The spec in force (null before the first one). Read from any thread: it is published with the status. */
    WorkloadSpec spec() {
        return specView;
    }

    private volatile WorkloadSpec specView;

    // ---- inputs (any thread) ---------------------------------------------------------------

    void apply(WorkloadSpec newSpec, String newHash, String newSource) {
        executor.execute(() -> onApply(newSpec, newHash, newSource));
    }

    /** A configuration change that was refused: the spec in force stays; the status says why. */
    void refuse(String problem) {
        executor.execute(() -> {
            refusedChange = problem;
            publish();
        });
    }

    void remove() {
        executor.execute(this::onRemove);
    }

    void restart() {
        executor.execute(this::onRestart);
    }

    void exited(InstanceInfo instance) {
        executor.execute(() -> onExit(instance));
    }

    void availabilityChanged(RuntimeAvailability availability) {
        executor.execute(() -> onAvailability(availability));
    }

    // ---- steps (executor only) -------------------------------------------------------------

    private void onApply(WorkloadSpec newSpec, String newHash, String newSource) {
        if (removed) {
            return;
        }
        refusedChange = "";
        source = newSource;
        boolean instancesChange = !newHash.equals(specHash);
        WorkloadSpec previous = spec;
        spec = newSpec;
        specView = newSpec;
        specHash = newHash;
        if (!instancesChange && previous != null && blocked == null) {
            // same instances (hash covers all that shapes them): only policy, health or scale changed
            LOG.info("Workload {}: spec updated without recreating its instances", name);
            generation++;
            replicas.values().forEach(Replica::cancelTimers);
            converge(false);
            return;
        }
        LOG.info("Workload {}: spec {} applied (from {})", name, newHash, newSource);
        newGeneration();
        restarts = 0;
        replicas.values().forEach(r -> r.failures = 0);
        converge(false);
    }

    private void onRemove() {
        newGeneration();
        removed = true;
        WorkloadSpec current = spec;
        if (current != null) {
            ctx.runtime(current.runtime()).ifPresent(runtime -> {
                try {
                    for (InstanceInfo instance : ctx.instancesOf(runtime, name)) {
                        stopAndRemove(runtime, instance.instanceId(), "workload removed");
                    }
                } catch (WorkloadException e) {
                    LOG.warn("Workload {}: could not list its instances to remove them: {}", name, e.getMessage());
                }
            });
            if (current.healthCheck().type() == HealthCheckType.MQTT_HEARTBEAT) {
                ctx.unwatchHeartbeat(current.healthCheck().topic());
            }
            ctx.dropBusAccount(name);
        }
        replicas.clear();
        LOG.info("Workload {}: removed", name);
    }

    private void onRestart() {
        if (removed || spec == null) {
            return;
        }
        LOG.info("Workload {}: restart requested", name);
        newGeneration();
        replicas.values().forEach(r -> r.failures = 0);
        ctx.runtime(spec.runtime()).ifPresent(runtime -> {
            for (Replica replica : replicas.values()) {
                if (!replica.instanceId.isEmpty()) {
                    stopAndRemove(runtime, replica.instanceId, "restart requested");
                    replica.instanceId = "";
                    restarts++;
                    replica.restarts++;
                }
            }
        });
        converge(false);
    }

    private void onAvailability(RuntimeAvailability availability) {
        if (removed || spec == null) {
            return;
        }
        if (!availability.available()) {
            block(WorkloadState.ENGINE_UNAVAILABLE, availability.detail());
            replicas.values().forEach(Replica::cancelTimers);
            return;
        }
        if (blocked == WorkloadState.ENGINE_UNAVAILABLE || blocked == WorkloadState.PENDING) {
            LOG.info("Workload {}: {} runtime is back; reconciling", name, spec.runtime().id());
            generation++;
            converge(false);
        }
    }

    private void onExit(InstanceInfo instance) {
        if (expectedExits.remove(instance.instanceId()) || removed) {
            return;
        }
        Replica replica = replicas.values().stream()
                .filter(r -> r.instanceId.equals(instance.instanceId())).findFirst().orElse(null);
        if (replica == null || !isLive(replica.state)) {
            return; // not ours any more, or its exit was already judged (start() saw it first)
        }
        handleExit(replica, instance);
        publish();
    }

    /** Brings the runtime in line with the spec: image present, each replica adopted or started, nothing extra. */
    private void converge(boolean forcePull) {
        long gen = generation;
        cancelPrepareRetry();
        Optional<WorkloadRuntime> found = ctx.runtime(spec.runtime());
        if (found.isEmpty()) {
            block(WorkloadState.ENGINE_UNAVAILABLE, "no " + spec.runtime().id() + " runtime is installed on this gateway");
            return;
        }
        WorkloadRuntime runtime = found.get();
        RuntimeAvailability availability = runtime.availability();
        if (!availability.available()) {
            block(WorkloadState.ENGINE_UNAVAILABLE, availability.detail());
            return;
        }
        long began = System.nanoTime();
        if (spec.replicas() > 0) {
            block(WorkloadState.PREPARING, "preparing image " + spec.image().reference());
            try {
                runtime.prepare(spec, forcePull);
                prepareFailures = 0;
            } catch (WorkloadException e) {
                onPrepareFailure(e, gen);
                return;
            }
        }
        List<InstanceInfo> existing;
        try {
            existing = ctx.instancesOf(runtime, name);
        } catch (WorkloadException e) {
            onPrepareFailure(e, gen);
            return;
        }
        LOG.debug("Workload {}: image and listing in {} ms", name, (System.nanoTime() - began) / 1_000_000);
        blocked = null;
        blockedMessage = "";
        ReconcilePlan plan = ReconcilePlan.of(existing, specHash, spec.replicas());
        for (InstanceInfo extra : plan.remove()) {
            String why = !specHash.equals(extra.specHash())
                    ? "its spec drifted (" + extra.specHash() + ", now " + specHash + ")"
                    : extra.replica() >= spec.replicas() ? "replica beyond the wanted " + spec.replicas() : "a duplicate";
            stopAndRemove(runtime, extra.instanceId(), why);
        }
        replicas.keySet().removeIf(index -> {
            if (index >= spec.replicas()) {
                replicas.get(index).cancelTimers();
                return true;
            }
            return false;
        });
        for (int index = 0; index < spec.replicas(); index++) {
            Replica replica = replicas.computeIfAbsent(index, Replica::new);
            InstanceInfo adopted = plan.adopt().get(index);
            boolean judged = adopted != null && replica.instanceId.equals(adopted.instanceId()) && !isLive(replica.state);
            if (adopted == null) {
                replica.instanceId = "";
                startReplica(runtime, replica);
            } else if (adopted.state() == InstanceState.RUNNING) {
                adopt(replica, adopted);
            } else if (judged && replica.state == WorkloadState.BACKOFF) {
                // its backoff timer belonged to an older generation: start it now
                restartReplica(replica, generation);
            } else if (judged) {
                // completed, failed under 'never', or crash-looping: stays as it is until restarted
            } else if (adopted.state() == InstanceState.EXITED) {
                // it ended while nobody watched (gateway down, engine stream lost): judge the exit now
                replica.instanceId = adopted.instanceId();
                replica.startedAt = adopted.startedAt();
                handleExit(replica, adopted);
            } else {
                replica.instanceId = "";
                startReplica(runtime, replica);
            }
        }
        publish();
    }

    private void onPrepareFailure(WorkloadException e, long gen) {
        if (e.reason() == WorkloadException.Reason.ENGINE_UNAVAILABLE) {
            block(WorkloadState.ENGINE_UNAVAILABLE, e.getMessage());
            return;
        }
        String problem = e.reason().id() + ": " + e.getMessage();
        if (!e.reason().isTransient()) {
            LOG.error("Workload {}: cannot run: {}", name, problem);
            block(WorkloadState.FAILED, problem + " (fix the spec or the image, then restart the workload)");
            return;
        }
        prepareFailures++;
        Duration delay = RestartDecision.backoff(spec.restartPolicy(), prepareFailures);
        if (delay.compareTo(PREPARE_RETRY_MAX) > 0) {
            delay = PREPARE_RETRY_MAX;
        }
        LOG.warn("Workload {}: {}; trying again in {} ms", name, problem, delay.toMillis());
        block(WorkloadState.BACKOFF, problem + "; trying again in " + human(delay));
        prepareRetry = ctx.scheduler().schedule(() -> executor.execute(() -> {
            if (gen == generation && !removed) {
                converge(false);
            }
        }), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void startReplica(WorkloadRuntime runtime, Replica replica) {
        InstanceRequest request = new InstanceRequest(ctx.gatewayId(), spec, specHash, replica.index,
                ctx.busEndpoint(spec, replica.index));
        try {
            ctx.instancesChanged();
            InstanceInfo started = runtime.start(request);
            // A runtime may give a new incarnation the id of the one it replaces (a microVM is
            // named by its instance name): the exit expected of the old one must not swallow the
            // new one's.
            expectedExits.remove(started.instanceId());
            replica.instanceId = started.instanceId();
            replica.startedAt = started.startedAt() != null ? started.startedAt() : ctx.clock().instant();
            replica.problem = "";
            LOG.info("Workload {}: replica {} started as {}", name, replica.index, shortId(started.instanceId()));
            if (started.state() == InstanceState.EXITED) {
                handleExit(replica, started);
                return;
            }
            running(replica);
        } catch (WorkloadException e) {
            if (e.reason() == WorkloadException.Reason.ENGINE_UNAVAILABLE) {
                block(WorkloadState.ENGINE_UNAVAILABLE, e.getMessage());
                return;
            }
            String problem = e.reason().id() + ": " + e.getMessage();
            LOG.error("Workload {}: replica {} could not start: {}", name, replica.index, problem);
            replica.instanceId = "";
            if (!e.reason().isTransient()) {
                replica.state = WorkloadState.FAILED;
                replica.problem = problem + " (fix the spec, then restart the workload)";
                return;
            }
            failed(replica, problem, Duration.ZERO);
        }
    }

    private void adopt(Replica replica, InstanceInfo instance) {
        boolean known = replica.instanceId.equals(instance.instanceId());
        replica.instanceId = instance.instanceId();
        if (known && isLive(replica.state)) {
            armHealth(replica);
            if (!spec.logs().forwardTopic().isEmpty() && replica.logs == null) {
                followLogs(replica);
            }
            return;
        }
        replica.startedAt = instance.startedAt() != null ? instance.startedAt() : ctx.clock().instant();
        LOG.info("Workload {}: replica {} adopted: {} runs with the current spec", name, replica.index, shortId(instance.instanceId()));
        running(replica);
    }

    /** The instance runs: healthy at once for a process check past its start period, else starting. */
    private void running(Replica replica) {
        boolean immediate = spec.healthCheck().type() == HealthCheckType.PROCESS
                && spec.healthCheck().startPeriod().isZero();
        replica.state = immediate ? WorkloadState.RUNNING : WorkloadState.STARTING;
        replica.healthy = immediate;
        replica.healthFailures = 0;
        armHealth(replica);
        if (!spec.logs().forwardTopic().isEmpty()) {
            followLogs(replica);
        }
    }

    private void handleExit(Replica replica, InstanceInfo instance) {
        replica.cancelTimers();
        Instant finished = instance.finishedAt() != null ? instance.finishedAt() : ctx.clock().instant();
        String reason = describeExit(instance);
        lastExit = new WorkloadStatus.Exit(instance.exitCode(), instance.oomKilled(), finished, reason);
        Instant started = replica.startedAt != null ? replica.startedAt : finished;
        Duration ranFor = Duration.between(started, finished);
        if (ranFor.isNegative()) {
            ranFor = Duration.ZERO;
        }
        boolean failed = instance.exitCode() != 0 || instance.oomKilled();
        LOG.info("Workload {}: replica {} ({}) ended after {}: {}", name, replica.index, shortId(instance.instanceId()),
                human(ranFor), reason);
        if (failed) {
            failed(replica, reason, ranFor);
        } else {
            RestartDecision decision = RestartDecision.after(spec.restartPolicy(), replica.failures, ranFor, false);
            apply(replica, decision, reason);
        }
    }

    /** A failed run (or start): restart after backoff, or give up as the policy says. */
    private void failed(Replica replica, String reason, Duration ranFor) {
        RestartDecision decision = RestartDecision.after(spec.restartPolicy(), replica.failures, ranFor, true);
        apply(replica, decision, reason);
    }

    private void apply(Replica replica, RestartDecision decision, String reason) {
        replica.failures = decision.consecutiveFailures();
        replica.healthy = false;
        switch (decision.action()) {
            case COMPLETED -> {
                replica.state = WorkloadState.COMPLETED;
                replica.problem = reason;
            }
            case FAILED -> {
                replica.state = WorkloadState.FAILED;
                replica.problem = reason + "; restart mode 'never'";
            }
            case CRASH_LOOP -> {
                replica.state = WorkloadState.CRASH_LOOP;
                replica.problem = "failed " + decision.consecutiveFailures() + " times in a row (last: " + reason
                        + "); left stopped: restart it or change its spec";
                LOG.error("Workload {}: replica {} is crash-looping: {}", name, replica.index, replica.problem);
            }
            case RESTART -> {
                replica.state = WorkloadState.BACKOFF;
                replica.problem = reason + "; restarting in " + human(decision.delay()) + " (failure "
                        + decision.consecutiveFailures() + " of " + spec.restartPolicy().crashLoopLimit() + ")";
                long gen = generation;
                replica.timer = ctx.scheduler().schedule(() -> executor.execute(() -> restartReplica(replica, gen)),
                        decision.delay().toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void restartReplica(Replica replica, long gen) {
        if (gen != generation || removed || replicas.get(replica.index) != replica) {
            return;
        }
        Optional<WorkloadRuntime> runtime = ctx.runtime(spec.runtime());
        if (runtime.isEmpty() || !runtime.get().availability().available()) {
            block(WorkloadState.ENGINE_UNAVAILABLE, runtime.map(r -> r.availability().detail())
                    .orElse("no " + spec.runtime().id() + " runtime is installed on this gateway"));
            return;
        }
        if (!replica.instanceId.isEmpty()) {
            stopAndRemove(runtime.get(), replica.instanceId, "restarting it");
            replica.instanceId = "";
        }
        restarts++;
        replica.restarts++;
        startReplica(runtime.get(), replica);
        publish();
    }

    // ---- health ------------------------------------------------------------------------------

    private void armHealth(Replica replica) {
        replica.cancelHealth();
        WorkloadSpec.HealthCheck check = spec.healthCheck();
        if (check.type() == HealthCheckType.PROCESS && check.startPeriod().isZero()) {
            return; // exits arrive as events; nothing to poll
        }
        if (check.type() == HealthCheckType.MQTT_HEARTBEAT) {
            ctx.lastHeartbeat(check.topic()); // watch from the start, so the first heartbeat is not missed
        }
        long gen = generation;
        long first = check.type() == HealthCheckType.PROCESS ? check.startPeriod().toMillis() : check.interval().toMillis();
        replica.health = ctx.scheduler().scheduleWithFixedDelay(() -> executor.execute(() -> healthTick(replica, gen)),
                first, check.interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void healthTick(Replica replica, long gen) {
        if (gen != generation || removed || replicas.get(replica.index) != replica || replica.instanceId.isEmpty()
                || !isLive(replica.state)) {
            return;
        }
        WorkloadSpec.HealthCheck check = spec.healthCheck();
        Instant now = ctx.clock().instant();
        boolean inStartPeriod = replica.startedAt != null && now.isBefore(replica.startedAt.plus(check.startPeriod()));
        String failure = probe(replica, check, now);
        if (NO_VERDICT.equals(failure)) {
            return; // e.g. no heartbeat yet, but its timeout since the start has not passed either
        }
        if (failure == null) {
            replica.healthFailures = 0;
            replica.healthy = true;
            replica.problem = "";
            replica.state = WorkloadState.RUNNING;
        } else if (!inStartPeriod) {
            replica.healthFailures++;
            replica.problem = "health check failed " + replica.healthFailures + "/" + check.failureThreshold() + ": " + failure;
            if (replica.healthFailures >= check.failureThreshold()) {
                replica.healthy = false;
                replica.state = WorkloadState.UNHEALTHY;
                LOG.warn("Workload {}: replica {} is unhealthy: {}", name, replica.index, failure);
                if (spec.restartPolicy().mode() != RestartMode.NEVER) {
                    ctx.runtime(spec.runtime()).ifPresent(runtime -> stopAndRemove(runtime, replica.instanceId, "unhealthy"));
                    replica.instanceId = "";
                    Duration ranFor = replica.startedAt == null ? Duration.ZERO : Duration.between(replica.startedAt, now);
                    replica.cancelTimers();
                    failed(replica, "unhealthy: " + failure, ranFor);
                }
            }
        }
        publish();
    }

    /** What {@link #probe} returns when it can say neither healthy nor failed yet. */
    private static final String NO_VERDICT = "";

    /** @return null when healthy, {@link #NO_VERDICT}, else what failed */
    private String probe(Replica replica, WorkloadSpec.HealthCheck check, Instant now) {
        switch (check.type()) {
            case TCP -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", check.port()), (int) check.timeout().toMillis());
                    return null;
                } catch (IOException e) {
                    return "TCP port " + check.port() + " does not accept connections (" + e.getMessage() + ")";
                }
            }
            case MQTT_HEARTBEAT -> {
                Instant last = ctx.lastHeartbeat(check.topic());
                Instant since = replica.startedAt == null ? now : replica.startedAt;
                boolean heard = last != null && !last.isBefore(since);
                Duration silence = Duration.between(heard ? last : since, now);
                if (silence.compareTo(check.timeout()) <= 0) {
                    return heard ? null : NO_VERDICT;
                }
                return heard ? "no heartbeat on '" + check.topic() + "' for " + human(silence)
                        : "no heartbeat on '" + check.topic() + "' in the " + human(silence) + " since it started";
            }
            default -> {
                return null; // process: running is healthy
            }
        }
    }

    private void followLogs(Replica replica) {
        ctx.runtime(spec.runtime()).ifPresent(runtime -> {
            try {
                replica.logs = runtime.followLogs(replica.instanceId, ctx.logForwarder(spec.logs().forwardTopic()));
            } catch (WorkloadException e) {
                LOG.warn("Workload {}: its output cannot be forwarded to '{}': {}", name, spec.logs().forwardTopic(), e.getMessage());
            }
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    private void newGeneration() {
        generation++;
        cancelPrepareRetry();
        replicas.values().forEach(Replica::cancelTimers);
    }

    private void cancelPrepareRetry() {
        if (prepareRetry != null) {
            prepareRetry.cancel(false);
            prepareRetry = null;
        }
    }

    private void block(WorkloadState state, String message) {
        blocked = state;
        blockedMessage = message;
        publish();
    }

    private void stopAndRemove(WorkloadRuntime runtime, String instanceId, String why) {
        expectedExits.add(instanceId);
        ctx.instancesChanged();
        try {
            LOG.info("Workload {}: removing instance {}: {}", name, shortId(instanceId), why);
            runtime.stop(instanceId, ctx.stopGrace());
            runtime.remove(instanceId);
        } catch (WorkloadException e) {
            LOG.warn("Workload {}: instance {} could not be removed ({}): {}", name, shortId(instanceId), why, e.getMessage());
        }
        replicas.values().stream().filter(r -> r.instanceId.equals(instanceId)).forEach(Replica::cancelTimers);
    }

    /** Rebuilds the immutable status others read. */
    private void publish() {
        if (removed) {
            return;
        }
        List<WorkloadStatus.Replica> views = new ArrayList<>();
        for (Replica replica : replicas.values()) {
            views.add(new WorkloadStatus.Replica(replica.index, replica.instanceId, replica.state, replica.healthy,
                    replica.restarts, replica.startedAt, null));
        }
        WorkloadState state;
        String message;
        if (blocked != null) {
            state = blocked;
            message = blockedMessage;
        } else if (spec.replicas() == 0) {
            state = WorkloadState.STOPPED;
            message = "replicas is 0";
        } else {
            Replica worst = null;
            for (Replica replica : replicas.values()) {
                if (worst == null || severity(replica.state) > severity(worst.state)) {
                    worst = replica;
                }
            }
            state = worst == null ? WorkloadState.PENDING : worst.state;
            message = worst == null ? "" : worst.problem;
            if (state == WorkloadState.RUNNING) {
                message = spec.replicas() == 1 ? "running" : "all " + spec.replicas() + " replicas running";
            }
        }
        if (!refusedChange.isEmpty()) {
            message = (message.isEmpty() ? "" : message + "; ") + "last change refused: " + refusedChange;
        }
        if (state != lastReported) {
            since = ctx.clock().instant();
            lastReported = state;
        }
        status = new WorkloadStatus(name, spec.runtime(), source, specHash, state, message, since, restarts, lastExit,
                spec.replicas(), views);
        ctx.statusChanged(this);
    }

    /** Whether a replica in this state has a running instance the gateway watches. */
    private static boolean isLive(WorkloadState state) {
        return state == WorkloadState.STARTING || state == WorkloadState.RUNNING || state == WorkloadState.UNHEALTHY;
    }

    /** Which replica state speaks for the workload: the worst one. */
    private static int severity(WorkloadState state) {
        return switch (state) {
            case COMPLETED, STOPPED -> 0;
            case RUNNING -> 1;
            case STARTING, PENDING -> 2;
            case PREPARING -> 3;
            case UNHEALTHY -> 4;
            case BACKOFF -> 5;
            case ENGINE_UNAVAILABLE -> 6;
            case FAILED -> 7;
            case CRASH_LOOP -> 8;
        };
    }

    static String describeExit(InstanceInfo instance) {
        StringBuilder reason = new StringBuilder();
        if (instance.exitCode() == -1) {
            reason.append("vanished");
        } else {
            reason.append("exit ").append(instance.exitCode());
        }
        if (instance.oomKilled()) {
            reason.append(" (killed: out of memory, limit ").append(instance.detail().isEmpty() ? "reached" : instance.detail()).append(')');
        } else if (instance.exitCode() == 137) {
            reason.append(" (killed)");
        } else if (!instance.detail().isEmpty()) {
            reason.append(" (").append(instance.detail()).append(')');
        }
        return reason.toString();
    }

    static String human(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 120_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        return (millis / 60_000) + " min";
    }

    /** A container engine's 64-hex id as its usual 12; names (a microVM's instance name) as they are. */
    private static String shortId(String instanceId) {
        return instanceId.length() > 12 && instanceId.chars().allMatch(c -> Character.digit(c, 16) >= 0)
                ? instanceId.substring(0, 12) : instanceId;
    }

    /** One replica's state; touched only on the machine's executor. */
    private static final class Replica {
        final int index;
        String instanceId = "";
        WorkloadState state = WorkloadState.PENDING;
        String problem = "";
        Instant startedAt;
        boolean healthy;
        int healthFailures;
        int failures;
        int restarts;
        Future<?> timer;
        Future<?> health;
        AutoCloseable logs;

        Replica(int index) {
            this.index = index;
        }

        void cancelHealth() {
            if (health != null) {
                health.cancel(false);
                health = null;
            }
        }

        void cancelTimers() {
            cancelHealth();
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (logs != null) {
                try {
                    logs.close();
                } catch (Exception e) {
                    LOG.debug("closing a log follower", e);
                }
                logs = null;
            }
        }
    }
}
