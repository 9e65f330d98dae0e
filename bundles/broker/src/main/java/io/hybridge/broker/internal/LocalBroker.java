package io.hybridge.broker.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;

/**
 * The gateway's local MQTT broker: owns the one Moquette instance, restarts it when its
 * configuration ({@value #PID}) changes, checks clients against {@link Accounts} as accounts come
 * and go (disconnecting the clients of a changed or deleted account), and reports its health as
 * subsystem {@value #SUBSYSTEM_NAME}.
 *
 * <p>Starting, restarting and stopping run one after another on a supervisor thread: SCR's
 * thread never waits for a port to bind, and a configuration change never races a start. A
 * change that does not validate is refused before it reaches the supervisor, so the broker keeps
 * running on the last good configuration; one that validates but cannot start (the port is
 * taken) brings the previous broker back and reports DEGRADED.
 *
 * <p>While a broker runs, its in-process bus is registered as a
 * {@link io.hybridge.api.bus.LocalBus} service; the service is withdrawn before the broker stops
 * or restarts, so users of the bus see a restart as the service going and coming back.
 *
 * <p>When one of Moquette's session loops dies (see {@link SessionLoopWatch}), the supervisor
 * restarts the broker on the same configuration: every client is disconnected and reconnects,
 * which beats leaving the clients of the dead loop without a CONNACK for good. Health stays UP
 * and counts these restarts.
 *
 * <p>Persistence is off (see {@link MoquetteBroker}), so there is no data directory.
 */
@Component(service = HealthContributor.class, immediate = true, configurationPid = LocalBroker.PID,
        property = HealthContributor.SUBSYSTEM + "=" + LocalBroker.SUBSYSTEM_NAME)
@Designate(ocd = BrokerConfig.class)
public final class LocalBroker implements HealthContributor {

    static final String PID = "io.hybridge.broker";
    static final String SUBSYSTEM_NAME = "broker";
    static final String DISABLED_MESSAGE = "local broker switched off; an external broker is used";
    private static final Logger LOG = LoggerFactory.getLogger(LocalBroker.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Function<String, String> frameworkProperties;
    private final Accounts accounts;
    private final BusRegistrar busRegistrar;
    private final Starter starter;
    private final Consumer<String> revocations = this::accountRevoked;
    private final ConnectedClients clients = new ConnectedClients();
    private final ExecutorService supervisor = Executors.newSingleThreadExecutor(task -> {
        Thread thread = new Thread(task, "hybridge-broker-supervisor");
        thread.setDaemon(true);
        return thread;
    });

    /** What health() reports; written by the supervisor (and the constructor), read by anyone. */
    private volatile State state = new State(HealthStatus.STARTING, "starting", null, null);
    /** Withdraws the running broker's bus service; supervisor thread only. */
    private Runnable busRegistration = () -> { };
    /** How many brokers were started; a loop failure counts only for the run still going. Supervisor only. */
    private int runs;
    /** Restarts after a session loop died, and why the last one happened; for health(). */
    private volatile int failureRestarts;
    private volatile String lastFailure = "";

    /** Starts one Moquette run; tests pass one that makes a session loop fail on purpose. */
    @FunctionalInterface
    interface Starter {
        Starter MOQUETTE = MoquetteBroker::start;

        MoquetteBroker start(BrokerSettings settings, AccessPolicy policy, ConnectedClients clients,
                Consumer<Throwable> loopFailed) throws Exception;
    }

    @Activate
    public LocalBroker(BrokerConfig config, Map<String, Object> properties, BundleContext context,
            @Reference(name = "accounts") Accounts accounts) {
        this(config, properties, context::getProperty, accounts, BusRegistrar.services(context));
    }

    /** @param frameworkProperties where to read {@code hybridge.mqtt.port}; tests pass a map */
    LocalBroker(BrokerConfig config, Map<String, ?> properties, Function<String, String> frameworkProperties,
            Accounts accounts) {
        this(config, properties, frameworkProperties, accounts, BusRegistrar.NONE);
    }

    /** @param busRegistrar offers each running broker's bus to other bundles */
    LocalBroker(BrokerConfig config, Map<String, ?> properties, Function<String, String> frameworkProperties,
            Accounts accounts, BusRegistrar busRegistrar) {
        this(config, properties, frameworkProperties, accounts, busRegistrar, Starter.MOQUETTE);
    }

    LocalBroker(BrokerConfig config, Map<String, ?> properties, Function<String, String> frameworkProperties,
            Accounts accounts, BusRegistrar busRegistrar, Starter starter) {
        this.starter = starter;
        this.frameworkProperties = frameworkProperties;
        this.accounts = accounts;
        this.busRegistrar = busRegistrar;
        accounts.addRevocationListener(revocations);
        BrokerSettings settings;
        try {
            settings = BrokerSettings.from(config, properties, frameworkProperties);
        } catch (IllegalArgumentException e) {
            LOG.error("Local MQTT broker not started: configuration {} is invalid: {}", PID, e.getMessage());
            state = new State(HealthStatus.DOWN, "invalid configuration: " + e.getMessage(), null, null);
            return;
        }
        supervisor.execute(() -> apply(settings));
    }

    @Modified
    void modified(BrokerConfig config, Map<String, ?> properties) {
        BrokerSettings settings;
        try {
            settings = BrokerSettings.from(config, properties, frameworkProperties);
        } catch (IllegalArgumentException e) {
            LOG.error("Configuration change of {} refused: {}. The local MQTT broker keeps its previous configuration.",
                    PID, e.getMessage());
            return;
        }
        supervisor.execute(() -> apply(settings));
    }

    @Deactivate
    void deactivate() {
        accounts.removeRevocationListener(revocations);
        supervisor.execute(() -> {
            stopRunning();
            state = new State(HealthStatus.DOWN, "stopped", null, null);
        });
        supervisor.shutdown();
        try {
            if (!supervisor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("Local MQTT broker did not stop within {}", STOP_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An account was changed or deleted: its clients must log in again with what is configured now. */
    private void accountRevoked(String username) {
        try {
            supervisor.execute(() -> disconnectClientsOf(username));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // deactivating: the broker and its clients are going away anyway
        }
    }

    @Override
    public String subsystem() {
        return SUBSYSTEM_NAME;
    }

    @Override
    public Health health() {
        State current = state;
        if (current.broker == null) {
            return Health.of(current.status, current.message);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("host", current.settings.host());
        details.put("port", current.settings.port());
        details.put("accounts", accounts.count());
        details.put("clients", current.broker.connectedClients());
        details.put("bus.subscriptions", current.broker.busSubscriptions());
        details.put("restarts.after.failure", failureRestarts);
        if (!lastFailure.isEmpty()) {
            details.put("last.failure", lastFailure);
        }
        return Health.of(current.status, current.message, details);
    }

    /**
     * Waits until every change handed to the supervisor so far has been applied. For tests, which
     * must wait on the condition rather than sleep.
     */
    boolean awaitSettled(Duration timeout) throws Exception {
        try {
            supervisor.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    // ---- on the supervisor thread only ----

    private void apply(BrokerSettings next) {
        State current = state;
        if (current.broker != null && next.sameBrokerAs(current.settings)) {
            return;
        }
        if (!next.enabled()) {
            stopRunning();
            LOG.info("Local MQTT broker is switched off (enabled=false); the gateway uses an external broker");
            state = new State(HealthStatus.DISABLED, DISABLED_MESSAGE, null, next);
            return;
        }
        BrokerSettings previous = current.broker != null ? current.settings : null;
        stopRunning();
        state = new State(HealthStatus.STARTING, "starting on " + next.host() + ":" + next.port(), null, next);
        try {
            MoquetteBroker broker = start(next);
            LOG.info("Local MQTT broker listening on {}:{} (port from {})", next.host(), next.port(), next.portSource());
            state = new State(HealthStatus.UP, "listening on " + next.host() + ":" + next.port(), broker, next);
        } catch (Exception | LinkageError e) {
            String error = describe(e);
            LOG.debug("Local MQTT broker start failure", e); // the message says it all for the usual bind errors
            if (previous == null) {
                LOG.error("Local MQTT broker could not start on {}:{}: {}", next.host(), next.port(), error);
                state = new State(HealthStatus.DOWN, "could not start on " + next.host() + ":" + next.port() + ": " + error, null, next);
                return;
            }
            LOG.error("Local MQTT broker could not start with its new configuration on {}:{}: {}; going back to {}:{}",
                    next.host(), next.port(), error, previous.host(), previous.port());
            restorePrevious(previous, "new configuration could not start on " + next.host() + ":" + next.port() + ": " + error);
        }
    }

    private void restorePrevious(BrokerSettings previous, String problem) {
        try {
            MoquetteBroker broker = start(previous);
            state = new State(HealthStatus.DEGRADED, problem + "; still listening on " + previous.host() + ":" + previous.port()
                    + " with the previous configuration", broker, previous);
        } catch (Exception | LinkageError e) {
            LOG.error("Local MQTT broker could not start with its previous configuration either: {}", describe(e));
            LOG.debug("Local MQTT broker start failure", e);
            state = new State(HealthStatus.DOWN, problem + "; the previous configuration failed too: " + describe(e), null, previous);
        }
    }

    private MoquetteBroker start(BrokerSettings settings) throws Exception {
        int run = ++runs;
        MoquetteBroker broker = starter.start(settings, new AccessPolicy(accounts, settings.anonymous()), clients,
                error -> sessionLoopFailed(run, error));
        try {
            busRegistration = busRegistrar.register(broker.bus(), settings);
        } catch (RuntimeException e) {
            // the broker serves MQTT clients all the same; only in-process users go without
            LOG.warn("Local MQTT broker runs, but its in-process bus could not be offered as a service: {}", e.toString());
        }
        return broker;
    }

    /** On the dying loop's thread: hand the restart to the supervisor. */
    private void sessionLoopFailed(int run, Throwable error) {
        try {
            supervisor.execute(() -> restartAfterLoopFailure(run, error));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // deactivating: the broker is going away anyway
        }
    }

    private void restartAfterLoopFailure(int run, Throwable error) {
        State current = state;
        if (run != runs || current.broker == null) {
            return; // that run has ended already: loops can fail while a broker stops
        }
        String reason = describe(error);
        LOG.error("Local MQTT broker: one of Moquette's session loops died ({}); restarting the broker on {}:{} so that"
                + " the clients it served can connect again (all clients reconnect)", reason,
                current.settings.host(), current.settings.port(), error);
        stopRunning();
        state = new State(HealthStatus.STARTING, "restarting after a session loop died: " + reason, null, current.settings);
        // counted once the old broker is gone from health(): its details never show the new count
        failureRestarts++;
        lastFailure = Instant.now() + ": " + reason;
        try {
            MoquetteBroker broker = start(current.settings);
            state = new State(HealthStatus.UP, "listening on " + current.settings.host() + ":" + current.settings.port()
                    + " (restarted after a session loop died: " + reason + ")", broker, current.settings);
            LOG.info("Local MQTT broker listening again on {}:{}", current.settings.host(), current.settings.port());
        } catch (Exception | LinkageError e) {
            LOG.error("Local MQTT broker could not start again after a session loop died: {}", describe(e));
            LOG.debug("Local MQTT broker start failure", e);
            state = new State(HealthStatus.DOWN, "could not start again on " + current.settings.host() + ":"
                    + current.settings.port() + " after a session loop died (" + reason + "): " + describe(e), null,
                    current.settings);
        }
    }

    private void stopRunning() {
        MoquetteBroker running = state.broker;
        if (running != null) {
            busRegistration.run();
            busRegistration = () -> { };
            running.stop();
            clients.clear();
            LOG.info("Local MQTT broker stopped");
        }
    }

    private void disconnectClientsOf(String username) {
        MoquetteBroker running = state.broker;
        List<String> clientIds = clients.clientIdsOf(username);
        if (running != null && !clientIds.isEmpty()) {
            LOG.info("Disconnecting MQTT clients {} of account '{}', which was changed or removed", clientIds, username);
            running.disconnect(clientIds);
        }
    }

    /** The exception's message chain, e.g. "Cannot bind to port: 1883: Address already in use". */
    private static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.indexOf(message) < 0) {
                out.append(out.length() == 0 ? "" : ": ").append(message);
            }
        }
        return out.toString();
    }

    /** One consistent view for health(): status, message, the running broker if any, and its settings. */
    private static final class State {
        final HealthStatus status;
        final String message;
        final MoquetteBroker broker;
        final BrokerSettings settings;

        State(HealthStatus status, String message, MoquetteBroker broker, BrokerSettings settings) {
            this.status = status;
            this.message = message;
            this.broker = broker;
            this.settings = settings;
        }
    }
}
