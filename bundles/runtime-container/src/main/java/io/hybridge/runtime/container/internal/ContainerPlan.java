package io.hybridge.runtime.container.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.InternetProtocol;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.TmpfsOptions;

import io.hybridge.api.workload.BusEndpoint;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.WorkloadSpec;

/**
 * Everything the engine is told when one instance is created, worked out from the request
 * alone: a pure function of its input, so every mapping rule is a unit test away. The engine
 * calls that use it ({@link ContainerRuntime}) only hand it over.
 *
 * @param name          {@link InstanceRequest#instanceName()}
 * @param image         the local image reference to create it from
 * @param labels        the gateway's marks ({@link InstanceLabels})
 * @param env           {@code NAME=value}, sorted by name; the bus variables win over the spec's
 * @param command       replaces the image's CMD when not empty
 * @param nanoCpus      CPU limit in 10⁻⁹ CPUs; 0 = none
 * @param memoryBytes   memory limit; 0 = none. Swap is set to the same value: no swap on top
 * @param pidsLimit     0 = none
 * @param networkMode   bridge, host or none
 * @param extraHosts    {@code host.docker.internal:host-gateway} when a bridged instance needs the broker
 * @param stopTimeout   seconds the engine waits after SIGTERM before SIGKILL, also for a {@code docker stop} by hand
 * @param logMaxBytes   the engine keeps at most this much output per log file (two files, json-file driver):
 *                      enough for the spec's {@code logs.maxLines}, never unbounded on a gateway's disk
 */
record ContainerPlan(String name, String image, Map<String, String> labels, List<String> env, List<String> command,
                     long nanoCpus, long memoryBytes, long pidsLimit, List<PortMapping> ports, List<MountPlan> mounts,
                     List<DeviceMapping> devices, String networkMode, boolean readOnlyRootfs, List<String> extraHosts,
                     String user, List<String> groupAdd, long shmSizeBytes, int stopTimeout, long logMaxBytes) {

    /** Output kept per log line when sizing the engine's log files; lines of vision detections run to ~500 bytes. */
    static final long LOG_BYTES_PER_LINE = 512;
    static final long LOG_MIN_BYTES = 1024 * 1024;

    /** The name by which a bridged container reaches the gateway host (Docker 20.10+: {@code host-gateway}). */
    static final String HOST_ALIAS = "host.docker.internal";

    record PortMapping(String hostIp, int hostPort, int containerPort, String protocol) {
    }

    record MountPlan(WorkloadSpec.VolumeType type, String source, String target, boolean readOnly, long tmpfsBytes) {
    }

    record DeviceMapping(String hostPath, String containerPath, String permissions) {
    }

    /**
     * @param image     the image reference to use (the spec's, or the default registry's name for it)
     * @param stopGrace the default grace, recorded on the container
     * @throws IllegalArgumentException when the request asks for something a container cannot do
     *                                  (bus access without a network)
     */
    static ContainerPlan of(InstanceRequest request, String image, Duration stopGrace) {
        WorkloadSpec spec = request.spec();
        Map<String, String> env = new TreeMap<>(spec.env());
        List<String> extraHosts = new ArrayList<>();
        if (request.bus().isPresent()) {
            BusEndpoint bus = request.bus().get();
            String host;
            switch (spec.network()) {
                case "host":
                    host = "127.0.0.1";
                    break;
                case "none":
                    throw new IllegalArgumentException("network: 'none' cannot reach the gateway's broker, but the spec asks for bus access;"
                            + " use network bridge (or host), or leave bus empty");
                default:
                    host = HOST_ALIAS;
                    extraHosts.add(HOST_ALIAS + ":host-gateway");
            }
            env.put("MQTT_URI", "tcp://" + host + ":" + bus.port());
            env.put("MQTT_USERNAME", bus.username());
            env.put("MQTT_PASSWORD", bus.password());
            env.put("MQTT_CLIENT_ID", bus.clientId());
        }
        List<String> envList = new ArrayList<>();
        env.forEach((key, value) -> envList.add(key + "=" + value));

        WorkloadSpec.Resources resources = spec.resources();
        long nanoCpus = Math.round(resources.cpus() * 1_000_000_000d);
        long memory = resources.memoryMiB() * 1024 * 1024;

        List<PortMapping> ports = spec.ports().stream()
                .map(port -> new PortMapping(port.hostIp(), port.hostPort(), port.containerPort(), port.protocol()))
                .toList();
        List<MountPlan> mounts = spec.volumes().stream()
                .map(volume -> new MountPlan(volume.type(), volume.source(), volume.target(), volume.readOnly(),
                        volume.type() == WorkloadSpec.VolumeType.TMPFS ? volume.sizeMiB() * 1024 * 1024 : 0))
                .toList();
        List<DeviceMapping> devices = spec.devices().stream()
                .map(device -> new DeviceMapping(device.hostPath(), device.containerPath(), device.permissions()))
                .toList();
        ContainerOptions options = ContainerOptions.of(spec.options());
        return new ContainerPlan(request.instanceName(), image, InstanceLabels.of(request), List.copyOf(envList),
                spec.command(), nanoCpus, memory, resources.pids(), ports, mounts, devices, spec.network(),
                spec.readOnlyRootFilesystem(), List.copyOf(extraHosts), options.user, options.groupAdd,
                options.shmSizeBytes, (int) Math.min(Integer.MAX_VALUE, Math.max(0, stopGrace.toSeconds())),
                Math.max(LOG_MIN_BYTES, spec.logs().maxLines() * LOG_BYTES_PER_LINE));
    }

    /** The ports the container exposes (published ones must be exposed too). */
    List<ExposedPort> exposedPorts() {
        return ports.stream().map(port -> new ExposedPort(port.containerPort(), InternetProtocol.parse(port.protocol()))).distinct().toList();
    }

    /** The engine's HostConfig: limits, mounts, devices, ports, network; restart policy "no" — the supervisor restarts. */
    HostConfig hostConfig() {
        HostConfig host = HostConfig.newHostConfig()
                .withRestartPolicy(RestartPolicy.noRestart())
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE,
                        Map.of("max-size", Long.toString(logMaxBytes), "max-file", "2")))
                .withNetworkMode(networkMode)
                .withReadonlyRootfs(readOnlyRootfs);
        if (nanoCpus > 0) {
            host.withNanoCPUs(nanoCpus);
        }
        if (memoryBytes > 0) {
            host.withMemory(memoryBytes).withMemorySwap(memoryBytes);
        }
        if (pidsLimit > 0) {
            host.withPidsLimit(pidsLimit);
        }
        if (!ports.isEmpty()) {
            List<PortBinding> bindings = ports.stream()
                    .map(port -> new PortBinding(
                            new Ports.Binding(port.hostIp().isEmpty() ? null : port.hostIp(), Integer.toString(port.hostPort())),
                            new ExposedPort(port.containerPort(), InternetProtocol.parse(port.protocol()))))
                    .toList();
            host.withPortBindings(bindings);
        }
        if (!mounts.isEmpty()) {
            host.withMounts(mounts.stream().map(ContainerPlan::mount).toList());
        }
        if (!devices.isEmpty()) {
            host.withDevices(devices.stream()
                    .map(device -> new Device(device.permissions(), device.containerPath(), device.hostPath()))
                    .toList());
        }
        if (!extraHosts.isEmpty()) {
            host.withExtraHosts(extraHosts.toArray(String[]::new));
        }
        if (!groupAdd.isEmpty()) {
            host.withGroupAdd(groupAdd);
        }
        if (shmSizeBytes > 0) {
            host.withShmSize(shmSizeBytes);
        }
        return host;
    }

    private static Mount mount(MountPlan plan) {
        Mount mount = new Mount().withTarget(plan.target()).withReadOnly(plan.readOnly());
        switch (plan.type()) {
            case BIND:
                return mount.withType(MountType.BIND).withSource(plan.source());
            case VOLUME:
                return mount.withType(MountType.VOLUME).withSource(plan.source());
            default:
                TmpfsOptions tmpfs = new TmpfsOptions();
                if (plan.tmpfsBytes() > 0) {
                    tmpfs.withSizeBytes(plan.tmpfsBytes());
                }
                return mount.withType(MountType.TMPFS).withTmpfsOptions(tmpfs);
        }
    }

    /** The host ports this instance publishes, for error messages, e.g. {@code 8080/tcp, 0.0.0.0:5353/udp}. */
    String publishedPorts() {
        return String.join(", ", ports.stream()
                .map(port -> (port.hostIp().isEmpty() ? "" : port.hostIp() + ":") + port.hostPort() + "/" + port.protocol())
                .toList());
    }
}
