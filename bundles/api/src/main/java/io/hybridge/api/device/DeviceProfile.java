package io.hybridge.api.device;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The active device profile, registered as an OSGi service. It combines a known board
 * profile (from {@code device-profiles/}) with what was detected on the running machine.
 */
@ProviderType
public interface DeviceProfile {

    /** Where the profile came from. */
    enum Source {
        /** An operator named the profile in configuration. */
        CONFIGURED,
        /** Detection matched the running machine to a known board. */
        MATCHED,
        /** No known board matched; the profile describes the detected machine only. */
        DETECTED
    }

    /** Profile id, e.g. {@code raspberry-pi-4b-4gb}, or {@code detected-x86_64}. */
    String id();

    /** Human-readable board name. */
    String name();

    Source source();

    /** CPU architecture in Linux naming, e.g. {@code aarch64}, {@code x86_64}. */
    String architecture();

    /** CPU cores available to the gateway. */
    int cpuCores();

    /** Memory available to the gateway, in MiB. */
    long memoryMiB();

    /** Accelerators the board has, e.g. {@code cuda}, {@code vpu}; empty when none. */
    List<String> accelerators();

    /** What the running machine offers right now (detected, never from the board file). */
    MachineCapabilities capabilities();
}
