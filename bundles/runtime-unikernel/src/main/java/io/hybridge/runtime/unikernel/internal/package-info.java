/** The unikernel runtime: microVMs under a VMM driver, images from an OCI registry. Not exported. */
package io.hybridge.runtime.unikernel.internal;
