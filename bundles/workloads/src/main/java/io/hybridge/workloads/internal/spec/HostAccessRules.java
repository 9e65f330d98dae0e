package io.hybridge.workloads.internal.spec;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

/** What a spec takes from the host: published ports, mounts and devices. */
final class HostAccessRules {

    private static final Pattern VOLUME_NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]*");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
            + "(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9a-fA-F:.]+");
    private static final Pattern PERMISSIONS = Pattern.compile("(?!.*(.).*\\1)[rwm]{1,3}");

    private HostAccessRules() {
    }

    static void check(WorkloadSpec spec, Problems problems) {
        checkPorts(spec, problems);
        checkVolumes(spec.volumes(), problems);
        checkDevices(spec.devices(), problems);
    }

    private static void checkPorts(WorkloadSpec spec, Problems problems) {
        List<Port> ports = spec.ports();
        for (int i = 0; i < ports.size(); i++) {
            Port port = ports.get(i);
            String at = "ports[" + i + "]";
            checkPortNumber(at + ".hostPort", "host port", port.hostPort(), problems);
            checkPortNumber(at + ".containerPort", "container port", port.containerPort(), problems);
            if (!port.protocol().equals("tcp") && !port.protocol().equals("udp")) {
                problems.add(at + ".protocol", "protocol " + Problems.show(port.protocol()) + " is not tcp or udp;"
                        + " use tcp or udp");
            }
            if (!port.hostIp().isEmpty() && !isIpAddress(port.hostIp())) {
                problems.add(at + ".hostIp", "host address " + Problems.show(port.hostIp()) + " is not an IP address;"
                        + " use an IPv4 or IPv6 address of the gateway, or empty for all its addresses");
            }
            for (int j = 0; j < i; j++) {
                Port earlier = ports.get(j);
                boolean sameAddress = earlier.hostIp().isEmpty() || port.hostIp().isEmpty()
                        || earlier.hostIp().equals(port.hostIp());
                if (earlier.hostPort() == port.hostPort() && earlier.protocol().equals(port.protocol()) && sameAddress) {
                    problems.add(at + ".hostPort", "host port " + port.hostPort() + "/" + port.protocol()
                            + " is already published by ports[" + j + "]; use another host port");
                    break;
                }
            }
            if (spec.replicas() > 1) {
                problems.add(at + ".hostPort", "each of the " + spec.replicas() + " replicas would publish host port "
                        + port.hostPort() + ", and only one can; use replicas 1 or remove the port");
            }
        }
    }

    private static void checkPortNumber(String field, String what, int port, Problems problems) {
        if (port < 1 || port > 65_535) {
            problems.add(field, what + " " + port + " is not a port; use 1–65535");
        }
    }

    private static boolean isIpAddress(String address) {
        if (IPV4.matcher(address).matches()) {
            return true;
        }
        if (!address.contains(":") || !IPV6_CHARACTERS.matcher(address).matches()) {
            return false;
        }
        try {
            InetAddress.getByName(address); // a literal with ':' is parsed, never looked up
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static void checkVolumes(List<Volume> volumes, Problems problems) {
        Map<String, Integer> targets = new HashMap<>();
        for (int i = 0; i < volumes.size(); i++) {
            Volume volume = volumes.get(i);
            String at = "volumes[" + i + "]";
            if (!isAbsolute(volume.target())) {
                problems.add(at + ".target", "target " + describePath(volume.target()) + "; use an absolute path"
                        + " inside the workload, e.g. /data");
            } else {
                Integer earlier = targets.putIfAbsent(volume.target(), i);
                if (earlier != null) {
                    problems.add(at + ".target", "target " + Problems.show(volume.target()) + " is already mounted by"
                            + " volumes[" + earlier + "]; mount each target once");
                }
            }
            checkSource(volume, at, problems);
            if (volume.sizeMiB() < 0) {
                problems.add(at + ".sizeMiB", "size " + volume.sizeMiB() + " is negative; use 0 for the engine's"
                        + " default or a size in MiB");
            } else if (volume.sizeMiB() != 0 && volume.type() != VolumeType.TMPFS) {
                problems.add(at + ".sizeMiB", "size " + volume.sizeMiB() + " applies only to tmpfs mounts; remove it");
            }
        }
    }

    private static void checkSource(Volume volume, String at, Problems problems) {
        String source = volume.source();
        switch (volume.type()) {
            case BIND -> {
                if (!isAbsolute(source)) {
                    problems.add(at + ".source", "source " + describePath(source) + "; a bind mount's source is a"
                            + " directory or file on the gateway, e.g. /var/lib/vision");
                }
            }
            case VOLUME -> {
                if (!VOLUME_NAME.matcher(source).matches()) {
                    problems.add(at + ".source", "source " + (source.isEmpty() ? "missing" : Problems.show(source)
                            + " is not a volume name") + "; use letters, digits, '_', '.' and '-', starting with a"
                            + " letter or digit, e.g. vision-data");
                }
            }
            case TMPFS -> {
                if (!source.isEmpty()) {
                    problems.add(at + ".source", "source " + Problems.show(source) + ": a tmpfs mount has no source;"
                            + " remove it");
                }
            }
        }
    }

    private static void checkDevices(List<Device> devices, Problems problems) {
        for (int i = 0; i < devices.size(); i++) {
            Device device = devices.get(i);
            String at = "devices[" + i + "]";
            String host = device.hostPath();
            if (!host.startsWith("/dev/") || host.length() == "/dev/".length() || hasDotDot(host) || host.contains(":")) {
                problems.add(at + ".hostPath", "host path " + Problems.show(host) + " is not a device under /dev/;"
                        + " use the device's path on the gateway, e.g. /dev/video0");
            }
            if (!isAbsolute(device.containerPath())) {
                problems.add(at + ".containerPath", "container path " + describePath(device.containerPath())
                        + "; use the device's absolute path inside the workload, e.g. /dev/video0");
            }
            if (!PERMISSIONS.matcher(device.permissions()).matches()) {
                problems.add(at + ".permissions", "permissions " + Problems.show(device.permissions()) + " are not"
                        + " some of r, w and m; use e.g. rwm (read, write, mknod) or r");
            }
        }
    }

    /** Absolute, without '..', and without ':' (it separates the parts of the compact forms). */
    private static boolean isAbsolute(String path) {
        return path.startsWith("/") && !hasDotDot(path) && !path.contains(":");
    }

    private static boolean hasDotDot(String path) {
        return List.of(path.split("/")).contains("..");
    }

    private static String describePath(String path) {
        if (path.isEmpty()) {
            return "missing";
        }
        if (path.startsWith("/")) {
            return Problems.show(path) + (hasDotDot(path) ? " contains '..'" : " contains ':'");
        }
        return Problems.show(path) + " is not an absolute path";
    }
}
