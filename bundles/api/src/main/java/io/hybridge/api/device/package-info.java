/**
 * The device profile: what the board under the gateway is and what it can run.
 * Placement and drivers read it to decide between containers and microVMs.
 */
@Export
@Version("1.0.0")
package io.hybridge.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
