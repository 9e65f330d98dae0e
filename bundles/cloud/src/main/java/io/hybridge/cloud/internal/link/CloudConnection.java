package io.hybridge.cloud.internal.link;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.cloud.BirthContributor;
import io.hybridge.api.cloud.CloudPublisher;
import io.hybridge.api.cloud.RequestHandler;
import io.hybridge.api.device.DeviceProfile;
import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;
import io.hybridge.cloud.internal.payload.PayloadCodec;
import io.hybridge.cloud.internal.route.RouteRegistry;
import io.hybridge.cloud.internal.route.RouteStats;
import io.hybridge.cloud.internal.store.MessageStore;
import io.hybridge.cloud.internal.store.MessageStoreException;
import io.hybridge.cloud.internal.store.StoreStats;

/**
 * The gateway's connection to its cloud broker ({@value #PID}), reported as subsystem
 * {@value #SUBSYSTEM_NAME}. With no broker configured the gateway runs locally and says so.
 * Otherwise it opens the message store, registers {@link CloudPublisher} (and the internal
 * {@link CloudDataChannel}) at once — publishers may store messages while the link is down — and
 * keeps connecting on its own thread: on every connect it subscribes to the requests of its
 * management apps and its data subscriptions, publishes BIRTH, and starts a {@link Forwarder}
 * for the backlog; on loss it waits a jittered, growing delay ({@link Backoff}) and tries again.
 * A clean stop publishes DC before disconnecting; a crash leaves the LWT to the broker.
 *
 * <p>A configuration change restarts the component (DS without a modified method): the store
 * file stays, so nothing stored is lost.
 */
@Component(service = HealthContributor.class, immediate = true, configurationPid = CloudConnection.PID,
        property = HealthContributor.SUBSYSTEM + "=" + CloudConnection.SUBSYSTEM_NAME)
@Designate(ocd = CloudConfig.class)
public final class CloudConnection implements HealthContributor {

    static final String PID = "io.hybridge.cloud";
    static final String SUBSYSTEM_NAME = "cloud";
    private static final Logger LOG = LoggerFactory.getLogger(CloudConnection.class);
    private static final long DISCONNECT_TIMEOUT_MILLIS = 2000;
    private static final String[] VERBS = {"GET", "PUT", "POST", "DEL", "EXEC"};

    private final CloudSettings settings;
    private final KuraTopics topics;
    private final PayloadCodec codec;
    private final MessageStore store;
    private final CloudChannel channel;
    private final RequestDispatcher dispatcher;
    private final BirthMetrics birthMetrics;
    private final Backoff backoff;
    private final Forwarder.ForwarderStats forwarderStats = new Forwarder.ForwarderStats();
    private final ExecutorService connector;
    private final ExecutorService subscriptions;
    private final Object lossSignal = new Object();
    private ServiceRegistration<?> registration;

    private volatile boolean active = true;
    private volatile MqttLink link;
    private volatile Forwarder forwarder;
    private volatile ConnectionState state;
    private volatile DeviceProfile deviceProfile;
    private volatile RouteRegistry routeRegistry;
    private final List<BirthContributor> birthContributors = new CopyOnWriteArrayList<>();
    /** Written by the connector thread only, read by health(). */
    private volatile long reconnects;
    private volatile long authenticationFailures;

    @Activate
    public CloudConnection(CloudConfig config, BundleContext context) {
        this(config, context, System::getenv, varDir(context));
    }

    CloudConnection(CloudConfig config, BundleContext context, Function<String, String> env, Path varDir) {
        CloudSettings parsed = null;
        try {
            parsed = CloudSettings.from(config, env, varDir);
        } catch (IllegalArgumentException e) {
            LOG.error("Cloud connection not started: configuration {} is invalid: {}", PID, e.getMessage());
            state = ConnectionState.of(HealthStatus.DOWN, "invalid configuration " + PID + ": " + e.getMessage());
        }
        settings = parsed;
        if (parsed == null || !parsed.cloudConfigured()) {
            if (parsed != null) {
                state = ConnectionState.of(HealthStatus.DISABLED, parsed.enabled()
                        ? "no cloud configured (set HYBRIDGE_CLOUD_URI or broker.uri of " + PID + "); running locally"
                        : "cloud connection switched off (enabled=false in " + PID + "); running locally");
                LOG.info("Cloud link: {}", state.message());
            }
            topics = null;
            codec = null;
            store = null;
            channel = null;
            dispatcher = null;
            birthMetrics = null;
            backoff = null;
            connector = null;
            subscriptions = null;
            return;
        }
        topics = new KuraTopics(parsed.account(), parsed.clientId());
        codec = parsed.encoding().codec();
        birthMetrics = new BirthMetrics(hybridgeVersion(context));
        backoff = new Backoff(parsed.reconnectInitial(), parsed.reconnectMax(), ThreadLocalRandom.current()::nextDouble);
        MessageStore opened = null;
        try {
            opened = MessageStore.open(parsed.storeFile(), parsed.storeLimits());
        } catch (MessageStoreException e) {
            LOG.error("Cloud connection not started: the message store {} cannot be opened: {}", parsed.storeFile(),
                    e.getMessage());
            state = ConnectionState.of(HealthStatus.DOWN, "message store " + parsed.storeFile() + " cannot be opened: "
                    + e.getMessage());
        }
        store = opened;
        dispatcher = new RequestDispatcher(topics, parsed.encoding().codec(parsed.maxRequestBytes()),
                parsed.maxRequestBytes(), (topic, payload) -> channel().send(topic, codec.encode(payload), 1,
                        CloudPublisher.PRIORITY_REPLY));
        connector = Executors.newSingleThreadExecutor(named("hybridge-cloud-connector"));
        subscriptions = Executors.newSingleThreadExecutor(named("hybridge-cloud-subscriber"));
        if (store == null) {
            channel = null;
            return;
        }
        channel = new CloudChannel(topics, codec, store, () -> link, this::wakeForwarder,
                sub -> subscriptions.execute(() -> subscribeNow(sub)),
                sub -> subscriptions.execute(() -> unsubscribeNow(sub)));
        channel.birthRepublisher(this::publishBirth);
        // DEGRADED, not STARTING: the gateway is ready without its cloud (STARTING would hold readiness)
        state = ConnectionState.of(HealthStatus.DEGRADED, "not connected yet: connecting to " + parsed.uri());
        if (context != null) {
            Dictionary<String, Object> props = new Hashtable<>();
            props.put("hybridge.cloud.account", topics.account());
            props.put("hybridge.cloud.client.id", topics.clientId());
            registration = context.registerService(
                    new String[] {CloudPublisher.class.getName(), CloudDataChannel.class.getName()}, channel, props);
        }
        connector.execute(this::connectLoop);
    }

    /** The reply sender is built before the channel exists; it reads the field when it runs. */
    private CloudChannel channel() {
        return channel;
    }

    // ---- management apps --------------------------------------------------------------------

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + RequestHandler.APP_ID + "=*)")
    void addRequestHandler(RequestHandler handler, Map<String, Object> properties) {
        String appId = String.valueOf(properties.get(RequestHandler.APP_ID));
        if (dispatcher == null) {
            return;
        }
        if (!KuraTopics.isLevel(appId)) {
            LOG.error("Management app id '{}' of service {} is not usable: it must be one topic level", appId,
                    properties.get("service.id"));
            return;
        }
        if (!dispatcher.addHandler(appId, handler)) {
            LOG.error("Two management apps claim the id {}; service {} is ignored", appId, properties.get("service.id"));
            return;
        }
        publishApps();
    }

    void removeRequestHandler(RequestHandler handler, Map<String, Object> properties) {
        if (dispatcher != null) {
            dispatcher.removeHandler(String.valueOf(properties.get(RequestHandler.APP_ID)), handler);
            publishApps();
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addBirthContributor(BirthContributor contributor) {
        birthContributors.add(contributor);
    }

    void removeBirthContributor(BirthContributor contributor) {
        birthContributors.remove(contributor);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setRouteRegistry(RouteRegistry registry) {
        routeRegistry = registry;
    }

    void unsetRouteRegistry(RouteRegistry registry) {
        if (routeRegistry == registry) {
            routeRegistry = null;
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    void setDeviceProfile(DeviceProfile profile) {
        deviceProfile = profile;
    }

    void unsetDeviceProfile(DeviceProfile profile) {
        if (deviceProfile == profile) {
            deviceProfile = null;
        }
    }

    // ---- connection -------------------------------------------------------------------------

    private void connectLoop() {
        while (active) {
            MqttLink current = null;
            try {
                current = newLink();
                current.connect();
                if (!active) {
                    current.close(); // stopped while connecting: nobody will say DC on it
                    return;
                }
                backoff.reset();
                onConnected(current);
                awaitLoss(current);
            } catch (LinkException e) {
                onFailure(e);
            } catch (RuntimeException e) {
                onFailure(new LinkException(LinkException.Kind.OTHER, e.toString(), e));
            } finally {
                tearDown(current);
            }
            if (active) {
                Duration delay = backoff.next();
                ConnectionState failed = state;
                state = failed.retryingIn(delay);
                sleep(delay);
            }
        }
    }

    private MqttLink newLink() throws LinkException {
        LinkOptions options = new LinkOptions(settings.uri(), settings.clientId(), settings.username(),
                settings.password(), settings.keepAliveSeconds(), settings.connectTimeoutSeconds(),
                settings.cleanSession(), settings.maxInflight(),
                socketFactory(),
                settings.tls().hostnameVerification(), topics.lastWill(), codec.encode(birthMetrics.disconnect()));
        MqttLink.Listener listener = new MqttLink.Listener() {
            @Override
            public void messageArrived(String topic, byte[] payload, int qos) {
                onMessage(topic, payload);
            }

            @Override
            public void connectionLost(Throwable cause) {
                state = ConnectionState.of(HealthStatus.DEGRADED, "connection to " + settings.uri() + " lost: "
                        + rootMessage(cause));
                LOG.warn("Cloud connection to {} lost: {}", settings.uri(), rootMessage(cause));
                synchronized (lossSignal) {
                    lossSignal.notifyAll();
                }
            }
        };
        return settings.mqttVersion().equals("5") ? new Paho5Link(options, listener) : new Paho3Link(options, listener);
    }

    private SocketFactory socketFactory() throws LinkException {
        if (!settings.secure()) {
            return NoDelaySockets.plain();
        }
        SSLSocketFactory configured = TlsSocketFactories.create(settings.tls());
        return NoDelaySockets.tls(configured != null ? configured : (SSLSocketFactory) SSLSocketFactory.getDefault());
    }

    private void onConnected(MqttLink connected) throws LinkException {
        for (String verb : VERBS) {
            connected.subscribe(topics.requestFilter(verb), 1);
        }
        for (CloudChannel.DataSubscription sub : channel.subscriptions()) {
            connected.subscribe(sub.fullFilter(), sub.qos());
        }
        store.releaseInFlight();
        link = connected;
        publishLifecycle(connected, topics.birth());
        Forwarder started = new Forwarder(store, connected, settings.maxInflight(), forwarderStats);
        forwarder = started;
        Thread thread = new Thread(started, "hybridge-cloud-forwarder");
        thread.setDaemon(true);
        thread.start();
        if (reconnects++ > 0) {
            LOG.info("Cloud connection to {} is back as {} (account {}); {} stored messages to send", settings.uri(),
                    topics.clientId(), topics.account(), store.stats().messages());
        } else {
            LOG.info("Cloud connection to {} established as {} (account {}, MQTT {})", settings.uri(),
                    topics.clientId(), topics.account(), settings.mqttVersion());
        }
        state = ConnectionState.connected("connected to " + settings.uri() + " as " + topics.clientId()
                + " (account " + topics.account() + ")");
    }

    private void awaitLoss(MqttLink current) {
        synchronized (lossSignal) {
            while (active && current.isConnected()) {
                try {
                    lossSignal.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void onFailure(LinkException e) {
        if (e.kind() == LinkException.Kind.AUTHENTICATION) {
            authenticationFailures++;
            state = ConnectionState.of(HealthStatus.DEGRADED, "authentication failed: " + e.getMessage()
                    + "; check username/password/client id of " + PID).authenticationFailure();
            LOG.error("Cloud broker {} refused the gateway: {}", settings.uri(), e.getMessage());
        } else {
            state = ConnectionState.of(HealthStatus.DEGRADED, e.getMessage());
            LOG.warn("Cloud connection to {} failed: {}", settings.uri(), e.getMessage());
        }
    }

    private void tearDown(MqttLink current) {
        Forwarder running = forwarder;
        if (running != null) {
            running.stop();
        }
        if (!active) {
            return; // deactivate() sends DC on the link and closes it
        }
        forwarder = null;
        link = null;
        store.releaseInFlight();
        if (current != null) {
            current.close();
        }
    }

    private void sleep(Duration delay) {
        synchronized (lossSignal) {
            long until = System.nanoTime() + delay.toNanos();
            long left;
            while (active && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lossSignal, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void onMessage(String topic, byte[] payload) {
        if (topics.isControlTopic(topic)) {
            dispatcher.dispatch(topic, payload);
        } else if (!channel.deliverData(topic, payload)) {
            LOG.debug("Cloud message on {} matches no subscription; ignored", topic);
        }
    }

    private void subscribeNow(CloudChannel.DataSubscription sub) {
        MqttLink current = link;
        if (current != null && current.isConnected()) {
            try {
                current.subscribe(sub.fullFilter(), sub.qos());
            } catch (LinkException e) {
                LOG.error("Subscription to {} failed: {}; it is retried after the next reconnect", sub.fullFilter(),
                        e.getMessage());
            }
        }
    }

    private void unsubscribeNow(CloudChannel.DataSubscription sub) {
        MqttLink current = link;
        if (current != null && current.isConnected()) {
            try {
                current.unsubscribe(sub.fullFilter());
            } catch (LinkException e) {
                LOG.debug("Unsubscribing from {} failed: {}", sub.fullFilter(), e.getMessage());
            }
        }
    }

    private void wakeForwarder() {
        Forwarder running = forwarder;
        if (running != null) {
            running.wake();
        }
    }

    /** A new BIRTH on request of a bundle whose inventory changed (an OTA install, a rollback). */
    private void publishBirth() {
        MqttLink current = link;
        if (current != null && current.isConnected()) {
            publishLifecycle(current, topics.birth());
        }
    }

    private void publishApps() {
        MqttLink current = link;
        if (current != null && current.isConnected()) {
            publishLifecycle(current, topics.apps());
        }
    }

    /**
     * BIRTH and APPS go straight to the connection, ahead of any backlog, and are not stored: a
     * stale description must never arrive after a reconnect (the next BIRTH replaces it).
     */
    private void publishLifecycle(MqttLink current, String topic) {
        byte[] payload = codec.encode(birthMetrics.birth(new BirthMetrics.Facts(settings, deviceProfile,
                dispatcher.appIds(), store.stats(), birthContributors)));
        current.publish(topic, payload, 1, false, new MqttLink.DeliveryCallback() {
            @Override
            public void delivered() {
                LOG.debug("{} delivered", topic);
            }

            @Override
            public void failed(Throwable cause) {
                LOG.warn("{} was not delivered: {}; the next connect sends a new BIRTH", topic, rootMessage(cause));
            }
        });
    }

    // ---- stop -------------------------------------------------------------------------------

    @Deactivate
    void deactivate() {
        active = false;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // bundle stopping
            }
        }
        if (connector != null) {
            synchronized (lossSignal) {
                lossSignal.notifyAll();
            }
            connector.shutdown();
            subscriptions.shutdown();
            try {
                connector.awaitTermination(settings.connectTimeoutSeconds() + 10L, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        MqttLink current = link;
        Forwarder running = forwarder;
        if (current != null) {
            disconnectCleanly(current, running);
        }
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** Lets acknowledgements of messages in flight arrive, then says goodbye with DC. */
    private void disconnectCleanly(MqttLink current, Forwarder running) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DISCONNECT_TIMEOUT_MILLIS);
        while (running != null && running.inFlight() > 0 && System.nanoTime() < deadline && current.isConnected()) {
            try {
                Thread.sleep(10); // bounded wait for PUBACKs at shutdown only
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        CountDownLatch dc = new CountDownLatch(1);
        current.publish(topics.disconnect(), codec.encode(birthMetrics.disconnect()), 1, false,
                new MqttLink.DeliveryCallback() {
                    @Override
                    public void delivered() {
                        dc.countDown();
                    }

                    @Override
                    public void failed(Throwable cause) {
                        dc.countDown();
                    }
                });
        try {
            dc.await(DISCONNECT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        current.disconnect(DISCONNECT_TIMEOUT_MILLIS);
        current.close();
        LOG.info("Cloud connection to {} closed cleanly (DC sent)", settings.uri());
    }

    // ---- health -----------------------------------------------------------------------------

    @Override
    public String subsystem() {
        return SUBSYSTEM_NAME;
    }

    @Override
    public Health health() {
        ConnectionState current = state;
        if (settings == null || !settings.cloudConfigured()) {
            return Health.of(current.status(), current.message());
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("uri", settings.uri());
        details.put("account", topics.account());
        details.put("clientId", topics.clientId());
        details.put("mqttVersion", settings.mqttVersion());
        details.put("connected", link != null && link.isConnected());
        details.put("since", current.since().toString());
        if (current.retryAt() != null) {
            details.put("nextAttempt", current.retryAt().toString());
        }
        details.put("authenticationFailure", current.authentication());
        details.put("authenticationFailures", authenticationFailures);
        details.put("reconnects", Math.max(0, reconnects - 1));
        details.put("delivered", forwarderStats.delivered.get());
        details.put("rejectedByBroker", forwarderStats.rejected.get());
        if (dispatcher != null) {
            details.put("apps", String.join(",", dispatcher.appIds()));
            details.put("requestsHandled", dispatcher.handled());
            details.put("requestsRefused", dispatcher.rejected());
        }
        if (store != null) {
            StoreStats stats = store.stats();
            Map<String, Object> storeDetails = new LinkedHashMap<>();
            storeDetails.put("file", store.file().toString());
            storeDetails.put("messages", stats.messages());
            storeDetails.put("bytes", stats.bytes());
            storeDetails.put("inFlight", stats.inFlight());
            storeDetails.put("dropped", stats.dropped());
            storeDetails.put("refused", stats.refused());
            storeDetails.put("policy", store.limits().policy().name());
            storeDetails.put("maxMessages", store.limits().maxMessages());
            storeDetails.put("maxBytes", store.limits().maxBytes());
            stats.oldestAge().ifPresent(age -> storeDetails.put("oldestAgeSeconds", age.toSeconds()));
            stats.quarantinedFile().ifPresent(file -> storeDetails.put("quarantinedFile", file.toString()));
            details.put("store", storeDetails);
            details.put("qos0DroppedOffline", channel.qos0Dropped());
            RouteRegistry routes = routeRegistry;
            if (routes != null) {
                details.put("routes", routes.routes().stream().map(CloudConnection::routeDetails).toList());
            }
            HealthStatus status = current.status();
            String message = current.message();
            if (status == HealthStatus.UP && (stats.dropped() > 0 || stats.refused() > 0)) {
                status = HealthStatus.DEGRADED;
                message = message + "; store full: " + stats.dropped() + " dropped, " + stats.refused() + " refused";
            }
            if (routes != null) {
                for (RouteStats route : routes.routes()) {
                    if (!route.problem().isEmpty()) {
                        status = status == HealthStatus.UP ? HealthStatus.DEGRADED : status;
                        message = message + "; route " + route.pid() + " " + route.state() + ": " + route.problem();
                    }
                }
            }
            if (stats.quarantinedFile().isPresent()) {
                status = status == HealthStatus.UP ? HealthStatus.DEGRADED : status;
                message = message + "; a corrupt store file was moved to " + stats.quarantinedFile().get();
            }
            return Health.of(status, message, details);
        }
        return Health.of(current.status(), current.message(), details);
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static Map<String, Object> routeDetails(RouteStats route) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("pid", route.pid());
        details.put("route", route.description());
        details.put("state", route.state());
        if (!route.problem().isEmpty()) {
            details.put("problem", route.problem());
        }
        details.put("received", route.received());
        details.put("forwarded", route.forwarded());
        details.put("droppedByRateLimit", route.droppedByRateLimit());
        details.put("droppedOverload", route.droppedOverload());
        details.put("rejected", route.rejected());
        details.put("failed", route.failed());
        details.put("inFlight", route.inFlight());
        return details;
    }

    private static Path varDir(BundleContext context) {
        String var = context.getProperty("hybridge.var");
        return var != null ? Path.of(var) : context.getDataFile("").toPath();
    }

    private static ThreadFactory named(String name) {
        return task -> {
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static String rootMessage(Throwable cause) {
        if (cause == null) {
            return "unknown cause";
        }
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return root == cause ? message : cause.getMessage() + " (" + message + ")";
    }

    /** What health() reports; replaced as a whole. */
    record ConnectionState(HealthStatus status, String message, Instant since, Instant retryAt, boolean authentication) {
        static ConnectionState of(HealthStatus status, String message) {
            return new ConnectionState(status, message, Instant.now(), null, false);
        }

        static ConnectionState connected(String message) {
            return of(HealthStatus.UP, message);
        }

        ConnectionState authenticationFailure() {
            return new ConnectionState(status, message, since, retryAt, true);
        }

        ConnectionState retryingIn(Duration delay) {
            return new ConnectionState(status, message, since, Instant.now().plus(delay), authentication);
        }
    }

    /**
     * The installation's version: the framework property {@code hybridge.version} the launcher sets
     * from the running slot (after a self-update the bundles may be unchanged while the version
     * is new), else this bundle's version.
     */
    private static String hybridgeVersion(BundleContext context) {
        if (context == null) {
            return "dev";
        }
        String version = context.getProperty("hybridge.version");
        return version != null && !version.isBlank() ? version.strip() : context.getBundle().getVersion().toString();
    }
}
