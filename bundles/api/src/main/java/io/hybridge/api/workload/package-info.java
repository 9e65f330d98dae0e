/**
 * Workloads: the declarative {@link io.hybridge.api.workload.WorkloadSpec} that is the same for
 * every runtime, the {@link io.hybridge.api.workload.WorkloadRuntime} SPI a runtime bundle
 * (containers through a Docker-compatible engine, microVMs through a VMM) implements, and the
 * {@link io.hybridge.api.workload.WorkloadService} the supervisor offers to the console, the
 * request channel and other bundles.
 *
 * <p>The supervisor owns desired state and policy (restart, backoff, crash loop, health, bus
 * accounts, reconcile); a runtime only does what it is told to one instance and reports what
 * it sees. Runtimes never restart anything on their own.
 */
@Export
@Version("1.2.0")
package io.hybridge.api.workload;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
