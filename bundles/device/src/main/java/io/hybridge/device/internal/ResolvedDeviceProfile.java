package io.hybridge.device.internal;

import java.util.List;

import io.hybridge.api.device.DeviceProfile;
import io.hybridge.api.device.MachineCapabilities;

/** The immutable value registered as the {@link DeviceProfile} service. */
record ResolvedDeviceProfile(
        String id,
        String name,
        Source source,
        String architecture,
        int cpuCores,
        long memoryMiB,
        List<String> accelerators,
        MachineCapabilities capabilities) implements DeviceProfile {

    ResolvedDeviceProfile {
        accelerators = List.copyOf(accelerators);
    }

    /** Whether consumers would see a difference; the detection timestamp alone is none. */
    boolean sameAs(ResolvedDeviceProfile other) {
        return other != null
                && id.equals(other.id) && name.equals(other.name) && source == other.source
                && architecture.equals(other.architecture)
                && cpuCores == other.cpuCores && memoryMiB == other.memoryMiB
                && accelerators.equals(other.accelerators)
                && DetectedCapabilities.sameEngines(capabilities, other.capabilities);
    }
}
