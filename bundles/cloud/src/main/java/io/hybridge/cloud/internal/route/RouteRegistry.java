package io.hybridge.cloud.internal.route;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The active routes and their counters, for the cloud link's health and console. Routes are
 * services of this bundle; this component tracks them as they come and go.
 */
@Component(service = RouteRegistry.class, immediate = true)
public final class RouteRegistry {

    private final Set<Route> routes = ConcurrentHashMap.newKeySet();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void addRoute(Route route) {
        routes.add(route);
    }

    void removeRoute(Route route) {
        routes.remove(route);
    }

    /** Each active route's stats, ordered by PID. */
    public List<RouteStats> routes() {
        return routes.stream().map(Route::stats).sorted(Comparator.comparing(RouteStats::pid)).toList();
    }
}
