package io.hybridge.cloud.internal.route;

import java.time.Clock;
import java.util.Map;
import java.util.Objects;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.bus.LocalBus;
import io.hybridge.cloud.internal.link.CloudDataChannel;

/**
 * One sensor route, one factory configuration of {@value #FACTORY_PID}: subscribes on one side
 * (the local bus for to-cloud, the cloud app topic for from-cloud) and sends to the other,
 * counting what happens to every message.
 *
 * <p>It runs while both sides exist: DS activates it once the cloud link has registered its
 * {@link CloudDataChannel} and the local broker its {@link LocalBus}, and deactivates it when
 * either goes. A configuration change deactivates it and activates a new one; an aggregating
 * route then discards its open windows (logged).
 *
 * <p>An invalid configuration is logged at ERROR with the PID, the field, the value and what is
 * allowed; the route then does nothing but report itself {@value #INVALID} in its stats, and
 * the other routes are not affected.
 */
@Component(service = Route.class, immediate = true, configurationPid = Route.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = RouteConfig.class, factory = true)
public final class Route {

    static final String FACTORY_PID = "io.hybridge.cloud.route";
    static final String RUNNING = "running";
    static final String INVALID = "invalid";
    static final String FAILED = "failed";
    /**
     * Ticks come this long after a window's end, so that a scheduler running a little early
     * (its clock is not the wall clock) never finds the window still open.
     */
    static final long WINDOW_GRACE_MILLIS = 100;
    private static final Logger LOG = LoggerFactory.getLogger(Route.class);

    private final String pid;
    private final RouteCounters counters = new RouteCounters();
    private final RouteSettings settings;
    private final Flow flow;
    private final String state;
    private final String problem;
    private Runnable stopTimer = () -> { };

    @Activate
    public Route(RouteConfig config, Map<String, Object> properties,
            @Reference(name = "cloud") CloudDataChannel cloud, @Reference(name = "bus") LocalBus bus) {
        this(config, properties, cloud, bus, Clock.systemUTC(), WindowTimer.THREAD);
    }

    Route(RouteConfig config, Map<String, ?> properties, CloudDataChannel cloud, LocalBus bus, Clock clock,
            WindowTimer timer) {
        this.pid = Objects.toString(properties.get(Constants.SERVICE_PID), FACTORY_PID + " (no PID)");
        RouteSettings valid;
        try {
            valid = RouteSettings.from(config, properties, pid);
        } catch (InvalidRouteException e) {
            LOG.error("Invalid {}. The route does nothing until its configuration is fixed; other routes are not affected.",
                    e.getMessage());
            this.settings = null;
            this.flow = null;
            this.state = INVALID;
            this.problem = e.getMessage();
            return;
        }
        this.settings = valid;
        RouteLog log = new RouteLog(pid, clock::millis);
        Outbox outbox = new Outbox(counters, log);
        this.flow = valid.direction() == Direction.TO_CLOUD
                ? new ToCloudFlow(valid, bus, cloud, clock, counters, log, outbox)
                : new FromCloudFlow(valid, bus, cloud, clock, counters, log, outbox);
        String failure = null;
        try {
            flow.start();
            if (flow instanceof ToCloudFlow toCloud && valid.aggregates()) {
                long delay = toCloud.nextWindowBoundary() - clock.millis() + WINDOW_GRACE_MILLIS;
                stopTimer = timer.start("hybridge-route-" + pid, toCloud::closeDueWindows, delay,
                        valid.aggregationWindow().toMillis());
            }
        } catch (RuntimeException e) {
            failure = "could not subscribe: " + e.getMessage();
            LOG.error("Route {} ({}) {}", pid, valid.describe(), failure);
            flow.close();
        }
        this.state = failure == null ? RUNNING : FAILED;
        this.problem = failure == null ? "" : failure;
        if (failure == null) {
            LOG.info("Route {} runs: {} (qos {}, payload {}{}{})", pid, valid.describe(), valid.qos(),
                    valid.format().configName(),
                    valid.ratePerSecond() > 0 ? ", at most " + valid.ratePerSecond() + " messages/s" : "",
                    valid.aggregates() ? ", aggregated over " + valid.aggregationWindow().toSeconds() + " s" : "");
        }
    }

    @Deactivate
    void deactivate() {
        stopTimer.run();
        if (flow == null) {
            return;
        }
        flow.close();
        int discarded = flow instanceof ToCloudFlow toCloud ? toCloud.openWindows() : 0;
        LOG.info("Route {} stopped: {}{}", pid, counters,
                discarded > 0 ? "; " + discarded + " open aggregation windows discarded" : "");
    }

    /** What the route has done so far; cheap, for the cloud link's health. */
    public RouteStats stats() {
        return new RouteStats(pid, settings == null ? "" : settings.describe(), state, problem,
                counters.received.sum(), counters.forwarded.sum(), counters.droppedByRateLimit.sum(),
                counters.droppedOverload.sum(), counters.rejected.sum(), counters.failed.sum(),
                flow == null ? 0 : flow.inFlight());
    }
}
