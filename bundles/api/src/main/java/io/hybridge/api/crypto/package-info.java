/**
 * Cryptographic helpers shared by the bundles that verify large artifacts (OTA units, unikernel
 * image blobs).
 */
@Export
@Version("1.0.0")
package io.hybridge.api.crypto;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
