package io.hybridge.workloads.internal.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.BusAccess;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.HealthCheck;
import io.hybridge.api.workload.WorkloadSpec.HealthCheckType;
import io.hybridge.api.workload.WorkloadSpec.Image;
import io.hybridge.api.workload.WorkloadSpec.Logs;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;
import io.hybridge.api.workload.WorkloadSpec.Resources;
import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

/** A valid spec to change one thing of in a test. */
final class SpecBuilder {

    String name = "vision";
    String description = "";
    RuntimeType runtime = RuntimeType.CONTAINER;
    String reference = "registry.local:5000/hybridge/vision:1.0";
    PullPolicy pullPolicy = PullPolicy.IF_NOT_PRESENT;
    String archive = "";
    List<String> command = new ArrayList<>();
    double cpus;
    long memoryMiB;
    int pids;
    Map<String, String> env = new LinkedHashMap<>();
    List<Port> ports = new ArrayList<>();
    List<Volume> volumes = new ArrayList<>();
    List<Device> devices = new ArrayList<>();
    String network = "bridge";
    boolean readOnlyRootFilesystem;
    RestartMode restartMode = RestartMode.ON_FAILURE;
    Duration initialBackoff = Duration.ofSeconds(1);
    Duration maxBackoff = Duration.ofSeconds(60);
    double multiplier = 2.0;
    int crashLoopLimit = 5;
    Duration stableAfter = Duration.ofSeconds(60);
    HealthCheckType healthType = HealthCheckType.PROCESS;
    int healthPort;
    String healthTopic = "";
    Duration interval = Duration.ofSeconds(10);
    Duration timeout = Duration.ofSeconds(5);
    Duration startPeriod = Duration.ZERO;
    int failureThreshold = 3;
    List<String> publish = new ArrayList<>();
    List<String> subscribe = new ArrayList<>();
    int replicas = 1;
    int maxLines = 1000;
    String forwardTopic = "";
    Map<String, String> options = new LinkedHashMap<>();

    static SpecBuilder spec() {
        return new SpecBuilder();
    }

    /** Every field away from its default, valid. */
    static SpecBuilder full() {
        SpecBuilder spec = new SpecBuilder();
        spec.description = "motion and faces";
        spec.runtime = RuntimeType.AUTO;
        spec.reference = "127.0.0.1:15000/hybridge/vision@sha256:" + "a".repeat(64);
        spec.pullPolicy = PullPolicy.ALWAYS;
        spec.archive = "/var/lib/hybridge/images/vision.tar";
        spec.command = new ArrayList<>(List.of("--verbose", "a b"));
        spec.cpus = 1.5;
        spec.memoryMiB = 256;
        spec.pids = 64;
        spec.env = new LinkedHashMap<>(Map.of("LEVEL", "debug", "EQUATION", "a=b", "EMPTY", ""));
        spec.ports = new ArrayList<>(List.of(new Port("", 8080, 80, "tcp"), new Port("127.0.0.1", 5353, 53, "udp"),
                new Port("::1", 9090, 90, "tcp")));
        spec.volumes = new ArrayList<>(List.of(new Volume(VolumeType.TMPFS, "", "/tmp", false, 16),
                new Volume(VolumeType.BIND, "/data", "/data", true, 0),
                new Volume(VolumeType.VOLUME, "vision-data", "/var/x", false, 0)));
        spec.devices = new ArrayList<>(List.of(new Device("/dev/video0", "", ""),
                new Device("/dev/ttyUSB0", "/dev/ttyS0", "rw")));
        spec.readOnlyRootFilesystem = true;
        spec.restartMode = RestartMode.ALWAYS;
        spec.initialBackoff = Duration.ofMillis(500);
        spec.maxBackoff = Duration.ofSeconds(30);
        spec.multiplier = 1.5;
        spec.crashLoopLimit = 7;
        spec.stableAfter = Duration.ofSeconds(90);
        spec.healthType = HealthCheckType.MQTT_HEARTBEAT;
        spec.healthTopic = "vision/stats";
        spec.interval = Duration.ofSeconds(5);
        spec.timeout = Duration.ofMillis(15_250);
        spec.startPeriod = Duration.ofSeconds(10);
        spec.failureThreshold = 2;
        spec.publish = new ArrayList<>(List.of("vision/#"));
        spec.subscribe = new ArrayList<>(List.of("sensors/+/temp"));
        spec.maxLines = 500;
        spec.forwardTopic = "logs/vision";
        spec.options = new LinkedHashMap<>(Map.of("docker.runtime", "runc", "shm-size", "64"));
        return spec;
    }

    WorkloadSpec build() {
        return new WorkloadSpec(name, description, runtime, new Image(reference, pullPolicy, archive), command,
                new Resources(cpus, memoryMiB, pids), env, ports, volumes, devices, network, readOnlyRootFilesystem,
                new RestartPolicy(restartMode, initialBackoff, maxBackoff, multiplier, crashLoopLimit, stableAfter),
                new HealthCheck(healthType, healthPort, healthTopic, interval, timeout, startPeriod, failureThreshold),
                new BusAccess(publish, subscribe), replicas, new Logs(maxLines, forwardTopic), options);
    }
}
