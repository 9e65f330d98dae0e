package io.hybridge.workloads.internal.spec;

import io.hybridge.api.workload.WorkloadSpec.Device;

/**
 * The compact form of a device, {@code hostPath[:containerPath][:permissions]}, as Docker's
 * {@code --device} writes it: {@code /dev/video0}, {@code /dev/ttyUSB0:/dev/ttyS0},
 * {@code /dev/ttyUSB0:/dev/ttyS0:rw}, {@code /dev/video0:r}. Used by the JSON form's
 * {@code devices} and the configuration property {@code devices}.
 */
final class DeviceSyntax {

    static final String FORM = "/dev/x[:/dev/y][:rwm], e.g. /dev/video0 or /dev/ttyUSB0:/dev/ttyS0:rw";

    private DeviceSyntax() {
    }

    /**
     * Reads the shape only; paths and permissions are the validator's.
     *
     * @throws IllegalArgumentException with a message naming the text and the form to use
     */
    static Device parse(String text) {
        String[] parts = text.trim().split(":", -1);
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException(Problems.show(text) + " is not a device ("
                    + (parts[0].isEmpty() ? "no host path" : "too many ':'") + "); use " + FORM);
        }
        String containerPath = "";
        String permissions = "";
        if (parts.length == 3) {
            containerPath = parts[1];
            permissions = parts[2];
        } else if (parts.length == 2) {
            if (parts[1].startsWith("/")) {
                containerPath = parts[1];
            } else {
                permissions = parts[1];
            }
        }
        return new Device(parts[0], containerPath, permissions);
    }

    static String format(Device device) {
        boolean samePath = device.containerPath().equals(device.hostPath());
        boolean allPermissions = device.permissions().equals("rwm");
        if (samePath && allPermissions) {
            return device.hostPath();
        }
        return device.hostPath() + ":" + device.containerPath() + (allPermissions ? "" : ":" + device.permissions());
    }
}
