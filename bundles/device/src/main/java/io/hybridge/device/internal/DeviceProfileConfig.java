package io.hybridge.device.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Hybridge device profile",
        description = "Which board the gateway runs on. Placement and the workload drivers read the resulting"
                + " DeviceProfile service; Docker, QEMU and KVM are always detected on the running machine.")
@interface DeviceProfileConfig {

    @AttributeDefinition(
            name = "Profile",
            description = "auto: match the machine against the known boards, or describe it as detected-<arch>"
                    + " when none matches. Or the id of a known board (e.g. raspberry-pi-4b-4gb,"
                    + " jetson-orin-nano-8gb, x86-industrial-pc, or one from the operator's profile directory)"
                    + " to use that board's facts. An unknown id falls back to auto and the device health is DEGRADED.")
    String profile() default ProfileResolver.AUTO;

    @AttributeDefinition(
            name = "Re-detection interval (seconds)",
            description = "How often to detect Docker, QEMU and KVM again, e.g. for a Docker engine that starts"
                    + " after the gateway. 0 detects once, at start.",
            min = "0")
    int redetect_interval_seconds() default 0;
}
