package io.hybridge.workloads.internal.spec;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.WorkloadSpec;

/**
 * The hash recorded on each instance, telling whether a running instance still matches its spec.
 *
 * <p>It covers only what shapes a running instance, the things a runtime bakes in when it
 * creates one: runtime, image (reference, archive), command, resources, env, ports, volumes,
 * devices, network, read-only root, the bus filters (they make the broker account) and options.
 * Changing description, replicas, restart policy, health check or logs changes how the
 * supervisor treats instances, never the instances, so it must not recreate them. The name is
 * the workload's identity, not part of its content. The pull policy says only how to fetch.
 *
 * <p>The canonical form is JSON with a fixed key order and maps sorted by key, prefixed by a
 * version so that a future change of the form is explicit; the hash is the first 16 hex digits
 * (64 bits) of its SHA-256: collisions between a workload's own successive specs are then out of
 * the question, and the value stays short enough for a container label and {@code docker ps}.
 */
public final class SpecHash {

    static final String FORM_VERSION = "hybridge.workload.hash/1";
    static final int HEX_DIGITS = 16;

    private SpecHash() {
    }

    /** 16 lower-case hex digits. */
    public static String of(WorkloadSpec spec) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalForm(spec).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HEX_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    static String canonicalForm(WorkloadSpec spec) {
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("form", FORM_VERSION);
        form.put("runtime", spec.runtime().id());
        form.put("image", List.of(spec.image().reference(), spec.image().archive()));
        form.put("command", spec.command());
        form.put("resources", List.of(decimal(spec.resources().cpus()), spec.resources().memoryMiB(),
                spec.resources().pids()));
        form.put("env", new TreeMap<>(spec.env()));
        form.put("ports", spec.ports().stream()
                .map(port -> List.of(port.hostIp(), port.hostPort(), port.containerPort(), port.protocol())).toList());
        form.put("volumes", spec.volumes().stream().map(volume -> List.of(volume.type().id(), volume.source(),
                volume.target(), volume.readOnly(), volume.sizeMiB())).toList());
        form.put("devices", spec.devices().stream()
                .map(device -> List.of(device.hostPath(), device.containerPath(), device.permissions())).toList());
        form.put("network", spec.network());
        form.put("readOnlyRootFilesystem", spec.readOnlyRootFilesystem());
        form.put("bus", List.of(spec.bus().publish(), spec.bus().subscribe()));
        form.put("options", new TreeMap<>(spec.options()));
        try {
            return JSON.std.asString(form);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the canonical form: " + e.getMessage(), e);
        }
    }

    /** 1 and 1.0 are the same number of CPUs. */
    private static String decimal(double value) {
        return Double.isFinite(value) ? BigDecimal.valueOf(value).stripTrailingZeros().toPlainString()
                : String.valueOf(value);
    }
}
