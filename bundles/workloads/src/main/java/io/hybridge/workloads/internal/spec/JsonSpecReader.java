package io.hybridge.workloads.internal.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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

/**
 * The JSON form's document (already parsed into maps and lists) to a spec. Shapes and types only;
 * what the values may be is {@link SpecValidator}'s. Where a value cannot be read, a problem is
 * recorded and the default takes its place, so the rest of the document is still read.
 */
final class JsonSpecReader {

    static final int SCHEMA_VERSION = 1;

    private static final String SECONDS = "use a number of seconds, e.g. 5 or 0.5";
    private static final String WHOLE = "use a whole number";

    private JsonSpecReader() {
    }

    static WorkloadSpec read(Map<String, Object> document, Problems problems) {
        JsonObject spec = new JsonObject("", document, problems);
        if (spec.has("schemaVersion")) {
            Object version = spec.value("schemaVersion");
            if (!(version instanceof Number number) || number.doubleValue() != SCHEMA_VERSION) {
                problems.add("schemaVersion", Problems.show(version) + " is not a schema version this gateway reads;"
                        + " use 1, or leave it out");
            }
        }
        WorkloadSpec result = new WorkloadSpec(
                spec.text("name", "", "use a name like \"vision\""),
                spec.text("description", "", "use a string"),
                spec.choice("runtime", RuntimeType.CONTAINER, RuntimeType.values(), RuntimeType::id, "a runtime"),
                image(spec),
                spec.strings("command", "use a list of strings, e.g. [\"--verbose\"]"),
                resources(spec),
                spec.stringMap("env", "use an object of names and string values, e.g. {\"LEVEL\": \"debug\"}"),
                elements(spec, "ports", "use a list of \"[ip:]hostPort:containerPort[/tcp|udp]\" or objects",
                        PortSyntax::parse, JsonSpecReader::port),
                elements(spec, "volumes", "use a list of objects {\"type\", \"source\", \"target\", …}",
                        VolumeSyntax::parse, JsonSpecReader::volume),
                elements(spec, "devices", "use a list of \"/dev/x[:/dev/y][:rwm]\" or objects",
                        DeviceSyntax::parse, JsonSpecReader::device),
                spec.text("network", "bridge", "use bridge, host or none"),
                spec.bool("readOnlyRootFilesystem", false),
                restartPolicy(spec),
                healthCheck(spec),
                bus(spec),
                spec.wholeInt("replicas", 1, "use a whole number 0–16"),
                logs(spec),
                spec.stringMap("options", "use an object of names and string values"));
        spec.rejectUnknown();
        return result;
    }

    private static Image image(JsonObject spec) {
        String use = "use an image reference, e.g. \"registry.local:5000/hybridge/vision:1.0\", or an object"
                + " {\"reference\", \"pullPolicy\", \"archive\"}";
        Object value = spec.value("image");
        if (value == null) {
            spec.problems().add("image", "missing; " + use);
            return new Image("", null, "");
        }
        if (value instanceof String reference) {
            return new Image(reference, null, "");
        }
        Optional<JsonObject> object = spec.object("image", use);
        if (object.isEmpty()) {
            return new Image("", null, "");
        }
        JsonObject image = object.get();
        if (!image.has("reference")) {
            image.problems().add(image.path("reference"), "missing; use an image reference, e.g."
                    + " \"registry.local:5000/hybridge/vision:1.0\"");
        }
        Image result = new Image(image.text("reference", "", "use an image reference"),
                image.choice("pullPolicy", PullPolicy.IF_NOT_PRESENT, PullPolicy.values(), PullPolicy::id,
                        "a pull policy"),
                image.text("archive", "", "use the absolute path of an image archive on the gateway"));
        image.rejectUnknown();
        return result;
    }

    private static Resources resources(JsonObject spec) {
        return spec.object("resources", "use an object {\"cpus\", \"memoryMiB\", \"pids\"}").map(resources -> {
            Resources result = new Resources(
                    resources.decimal("cpus", 0, "use a number of CPUs, e.g. 0.5; 0 for no limit"),
                    resources.wholeLong("memoryMiB", 0, "use a size in MiB, e.g. 256; 0 for no limit"),
                    resources.wholeInt("pids", 0, "use a number of processes, e.g. 64; 0 for no limit"));
            resources.rejectUnknown();
            return result;
        }).orElse(Resources.UNLIMITED);
    }

    /** A list whose elements are each a compact string or an object. */
    private static <T> List<T> elements(JsonObject spec, String key, String use, Function<String, T> compact,
                                        Function<JsonObject, Optional<T>> object) {
        List<Object> values = spec.list(key, use);
        List<T> result = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String at = spec.path(key) + "[" + i + "]";
            Object value = values.get(i);
            if (value instanceof String text) {
                try {
                    result.add(compact.apply(text));
                } catch (IllegalArgumentException e) {
                    spec.problems().add(at, e.getMessage());
                }
            } else if (value instanceof Map<?, ?> map) {
                JsonObject element = new JsonObject(at, JsonObject.cast(map), spec.problems());
                object.apply(element).ifPresent(result::add);
                element.rejectUnknown();
            } else {
                spec.wrongType(at, value, "use a string or an object");
            }
        }
        return result;
    }

    private static Optional<Port> port(JsonObject port) {
        String use = "use 1–65535";
        Optional<Integer> hostPort = port.requiredInt("hostPort", use);
        Optional<Integer> containerPort = port.requiredInt("containerPort", use);
        String hostIp = port.text("hostIp", "", "use an IP address of the gateway, or \"\" for all");
        String protocol = port.text("protocol", "tcp", "use tcp or udp");
        if (hostPort.isEmpty() || containerPort.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Port(hostIp, hostPort.get(), containerPort.get(), protocol));
    }

    private static Optional<Volume> volume(JsonObject volume) {
        if (!volume.has("type")) {
            volume.problems().add(volume.path("type"), "missing; use tmpfs, bind or volume");
        }
        VolumeType type = volume.choice("type", null, VolumeType.values(), VolumeType::id, "a mount type");
        if (!volume.has("target")) {
            volume.problems().add(volume.path("target"), "missing; use an absolute path inside the workload");
        }
        String target = volume.text("target", null, "use an absolute path inside the workload");
        String source = volume.text("source", "", "use a host path (bind) or a volume name (volume)");
        boolean readOnly = volume.bool("readOnly", false);
        long sizeMiB = volume.wholeLong("sizeMiB", 0, "use a size in MiB; 0 for the engine's default");
        if (type == null || target == null) {
            return Optional.empty();
        }
        return Optional.of(new Volume(type, source, target, readOnly, sizeMiB));
    }

    private static Optional<Device> device(JsonObject device) {
        if (!device.has("hostPath")) {
            device.problems().add(device.path("hostPath"), "missing; use the device's path, e.g. /dev/video0");
        }
        String hostPath = device.text("hostPath", null, "use the device's path, e.g. /dev/video0");
        String containerPath = device.text("containerPath", "", "use a path inside the workload");
        String permissions = device.text("permissions", "", "use some of r, w and m");
        return hostPath == null ? Optional.empty() : Optional.of(new Device(hostPath, containerPath, permissions));
    }

    private static RestartPolicy restartPolicy(JsonObject spec) {
        return spec.object("restartPolicy", "use an object {\"mode\", \"backoff\", \"crashLoopLimit\", …}").map(restart -> {
            RestartPolicy defaults = RestartPolicy.DEFAULT;
            RestartMode mode = restart.choice("mode", defaults.mode(), RestartMode.values(), RestartMode::id,
                    "a restart mode");
            Backoff backoff = restart.object("backoff", "use an object {\"initialSeconds\", \"maxSeconds\","
                    + " \"multiplier\"}").map(object -> {
                        Backoff read = new Backoff(
                                object.seconds("initialSeconds", defaults.initialBackoff(), SECONDS),
                                object.seconds("maxSeconds", defaults.maxBackoff(), SECONDS),
                                object.decimal("multiplier", defaults.multiplier(), "use a number 1–10, e.g. 2"));
                        object.rejectUnknown();
                        return read;
                    }).orElse(new Backoff(defaults.initialBackoff(), defaults.maxBackoff(), defaults.multiplier()));
            RestartPolicy result = new RestartPolicy(mode, backoff.initial(), backoff.max(), backoff.multiplier(),
                    restart.wholeInt("crashLoopLimit", defaults.crashLoopLimit(), WHOLE + " 1–1000"),
                    restart.seconds("stableAfterSeconds", defaults.stableAfter(), SECONDS));
            restart.rejectUnknown();
            return result;
        }).orElse(RestartPolicy.DEFAULT);
    }

    private record Backoff(Duration initial, Duration max, double multiplier) {
    }

    private static HealthCheck healthCheck(JsonObject spec) {
        return spec.object("healthCheck", "use an object {\"type\", …}").map(health -> {
            HealthCheck defaults = HealthCheck.PROCESS;
            HealthCheck result = new HealthCheck(
                    health.choice("type", defaults.type(), HealthCheckType.values(), HealthCheckType::id,
                            "a health check type"),
                    health.wholeInt("port", 0, "use a port 1–65535"),
                    health.text("topic", "", "use an MQTT topic, e.g. vision/stats"),
                    health.seconds("intervalSeconds", defaults.interval(), SECONDS),
                    health.seconds("timeoutSeconds", defaults.timeout(), SECONDS),
                    health.seconds("startPeriodSeconds", defaults.startPeriod(), SECONDS),
                    health.wholeInt("failureThreshold", defaults.failureThreshold(), WHOLE + " of at least 1"));
            health.rejectUnknown();
            return result;
        }).orElse(HealthCheck.PROCESS);
    }

    private static BusAccess bus(JsonObject spec) {
        return spec.object("bus", "use an object {\"publish\": [filters], \"subscribe\": [filters]}").map(bus -> {
            String use = "use a list of MQTT topic filters, e.g. [\"vision/#\"]";
            BusAccess result = new BusAccess(bus.strings("publish", use), bus.strings("subscribe", use));
            bus.rejectUnknown();
            return result;
        }).orElse(BusAccess.NONE);
    }

    private static Logs logs(JsonObject spec) {
        return spec.object("logs", "use an object {\"maxLines\", \"forwardTopic\"}").map(logs -> {
            Logs result = new Logs(logs.wholeInt("maxLines", Logs.DEFAULT.maxLines(), WHOLE + " 0–100000"),
                    logs.text("forwardTopic", "", "use an MQTT topic, or \"\" for none"));
            logs.rejectUnknown();
            return result;
        }).orElse(Logs.DEFAULT);
    }
}
