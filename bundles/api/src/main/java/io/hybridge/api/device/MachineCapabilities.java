package io.hybridge.api.device;

import org.osgi.annotation.versioning.ProviderType;

/** Workload engines found on the running machine when the profile was last detected. */
@ProviderType
public interface MachineCapabilities {

    /** A Docker-compatible engine answered on its socket. */
    boolean dockerReachable();

    /** A {@code qemu-system-*} binary for this architecture is on the PATH. */
    boolean qemuPresent();

    /**
     * {@code /dev/kvm} exists and this process may open it read-write. That is necessary
     * but not sufficient for a guest to run (nested virtualization can still hang guests);
     * the unikernel driver proves it with a readiness deadline.
     */
    boolean kvmUsable();

    /** Millisecond timestamp of the detection. */
    long detectedAt();
}
