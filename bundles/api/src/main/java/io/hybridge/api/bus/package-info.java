/**
 * The gateway's local message bus, for code that runs inside the gateway: it publishes to and
 * receives from the same topics as the sensors and workloads that use the local MQTT broker.
 *
 * <p>The broker bundle registers a {@link io.hybridge.api.bus.LocalBus} service while the broker
 * runs. In-process users are trusted: bus publishes and subscriptions are not checked against
 * the broker's account ACLs.
 */
@Export
@Version("1.1.0")
package io.hybridge.api.bus;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
