package io.hybridge.workloads.internal.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.HealthCheck;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

/**
 * A spec to the JSON form's document: every field, in the order the README documents them, maps
 * sorted by key, ports/volumes/devices as objects; so equal specs give equal text.
 */
final class JsonSpecWriter {

    /** The top-level fields in the order they are written (and problems reported). */
    static final List<String> FIELD_ORDER = List.of("schemaVersion", "name", "description", "runtime", "image",
            "command", "resources", "env", "ports", "volumes", "devices", "network", "readOnlyRootFilesystem",
            "restartPolicy", "healthCheck", "bus", "replicas", "logs", "options");

    private JsonSpecWriter() {
    }

    static Map<String, Object> write(WorkloadSpec spec) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("schemaVersion", JsonSpecReader.SCHEMA_VERSION);
        document.put("name", spec.name());
        document.put("description", spec.description());
        document.put("runtime", spec.runtime().id());
        document.put("image", object("reference", spec.image().reference(),
                "pullPolicy", spec.image().pullPolicy().id(), "archive", spec.image().archive()));
        document.put("command", spec.command());
        document.put("resources", object("cpus", spec.resources().cpus(), "memoryMiB", spec.resources().memoryMiB(),
                "pids", spec.resources().pids()));
        document.put("env", new TreeMap<>(spec.env()));
        document.put("ports", spec.ports().stream().map(JsonSpecWriter::port).toList());
        document.put("volumes", spec.volumes().stream().map(JsonSpecWriter::volume).toList());
        document.put("devices", spec.devices().stream().map(JsonSpecWriter::device).toList());
        document.put("network", spec.network());
        document.put("readOnlyRootFilesystem", spec.readOnlyRootFilesystem());
        document.put("restartPolicy", restartPolicy(spec.restartPolicy()));
        document.put("healthCheck", healthCheck(spec.healthCheck()));
        document.put("bus", object("publish", spec.bus().publish(), "subscribe", spec.bus().subscribe()));
        document.put("replicas", spec.replicas());
        document.put("logs", object("maxLines", spec.logs().maxLines(), "forwardTopic", spec.logs().forwardTopic()));
        document.put("options", new TreeMap<>(spec.options()));
        return document;
    }

    private static Map<String, Object> port(Port port) {
        return object("hostIp", port.hostIp(), "hostPort", port.hostPort(), "containerPort", port.containerPort(),
                "protocol", port.protocol());
    }

    private static Map<String, Object> volume(Volume volume) {
        Map<String, Object> object = object("type", volume.type().id());
        if (!volume.source().isEmpty()) {
            object.put("source", volume.source());
        }
        object.put("target", volume.target());
        object.put("readOnly", volume.readOnly());
        if (volume.type() == VolumeType.TMPFS || volume.sizeMiB() != 0) {
            object.put("sizeMiB", volume.sizeMiB());
        }
        return object;
    }

    private static Map<String, Object> device(Device device) {
        return object("hostPath", device.hostPath(), "containerPath", device.containerPath(),
                "permissions", device.permissions());
    }

    private static Map<String, Object> restartPolicy(RestartPolicy restart) {
        return object("mode", restart.mode().id(),
                "backoff", object("initialSeconds", Seconds.asNumber(restart.initialBackoff()),
                        "maxSeconds", Seconds.asNumber(restart.maxBackoff()), "multiplier", restart.multiplier()),
                "crashLoopLimit", restart.crashLoopLimit(),
                "stableAfterSeconds", Seconds.asNumber(restart.stableAfter()));
    }

    private static Map<String, Object> healthCheck(HealthCheck health) {
        return object("type", health.type().id(), "port", health.port(), "topic", health.topic(),
                "intervalSeconds", Seconds.asNumber(health.interval()),
                "timeoutSeconds", Seconds.asNumber(health.timeout()),
                "startPeriodSeconds", Seconds.asNumber(health.startPeriod()),
                "failureThreshold", health.failureThreshold());
    }

    /** An ordered object from key, value, key, value… */
    private static Map<String, Object> object(Object... keysAndValues) {
        Map<String, Object> object = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            object.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return object;
    }
}
