package io.hybridge.api.cloud;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Adds metrics to the gateway's BIRTH (and APPS) message, so that a fleet's inventory sees what
 * a bundle owns, e.g. the OTA bundle's {@code deploy.packages}. Register it as an OSGi service;
 * the cloud link asks every contributor each time it builds a BIRTH. Ask for a new BIRTH with
 * {@link CloudPublisher#republishBirth()} when the values change.
 *
 * <p>Metric names should carry the contributor's prefix ({@code deploy.}, {@code workloads.});
 * a name the cloud link itself sets (Kura's {@code model_name}, {@code uptime}…) is ignored.
 */
@ConsumerType
public interface BirthContributor {

    /**
     * The metrics to add, by name. Values are {@link String}, {@link Long}, {@link Integer},
     * {@link Boolean}, {@link Double}, {@link Float} or {@code byte[]}. Called on the cloud
     * link's connector thread: it must be cheap and never block.
     */
    Map<String, Object> birthMetrics();
}
