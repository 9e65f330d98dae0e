/**
 * Sensor routes: configured flows of messages between the gateway's local bus and the cloud.
 *
 * <p>Internal: never exported. Each route is a factory configuration of
 * {@code io.hybridge.cloud.route} ({@link io.hybridge.cloud.internal.route.Route}); the
 * {@link io.hybridge.cloud.internal.route.RouteRegistry} lists the active routes and their
 * counters for the cloud link's health.
 */
package io.hybridge.cloud.internal.route;
