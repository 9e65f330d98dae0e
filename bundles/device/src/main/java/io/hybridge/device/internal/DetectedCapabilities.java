package io.hybridge.device.internal;

import io.hybridge.api.device.MachineCapabilities;

/** One detection's answer to "which workload engines can this machine run right now". */
record DetectedCapabilities(boolean dockerReachable, boolean qemuPresent, boolean kvmUsable, long detectedAt)
        implements MachineCapabilities {

    /** Same engines, ignoring when they were seen: a re-detection that changes nothing is no news. */
    static boolean sameEngines(MachineCapabilities a, MachineCapabilities b) {
        return a.dockerReachable() == b.dockerReachable()
                && a.qemuPresent() == b.qemuPresent()
                && a.kvmUsable() == b.kvmUsable();
    }
}
