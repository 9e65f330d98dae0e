/**
 * Health of the gateway's subsystems. A bundle that owns a subsystem registers a
 * {@link io.hybridge.api.health.HealthContributor}; the gateway's {@code /health} endpoint
 * and every later reporter (BIRTH metrics, console) aggregate them.
 */
@Export
@Version("1.0.0")
package io.hybridge.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
