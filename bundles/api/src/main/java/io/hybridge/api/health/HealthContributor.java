package io.hybridge.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A subsystem that reports its health. Registered as an OSGi service by the bundle that
 * owns the subsystem; {@link #SUBSYSTEM} names it as a service property too so that the
 * aggregator can tell which expected subsystems are still missing.
 */
@ConsumerType
public interface HealthContributor {

    /** Service property naming the subsystem, e.g. {@code broker}. */
    String SUBSYSTEM = "hybridge.health.subsystem";

    /** Short stable name, e.g. {@code broker}, {@code http}, {@code device}. */
    String subsystem();

    /** Current health; called on every request, so it must be cheap and never block. */
    Health health();
}
