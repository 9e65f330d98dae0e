package io.hybridge.runtime.container.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import io.hybridge.api.workload.InstanceInfo;
import io.hybridge.api.workload.InstanceInfo.InstanceState;
import io.hybridge.api.workload.InstanceRequest;

/**
 * The marks a container carries so that the gateway finds its own instances again after a
 * restart (and leaves other gateways' and hand-made containers alone), and the reading of an
 * engine's container state into an {@link InstanceInfo}.
 */
final class InstanceLabels {

    static final String MANAGED = "io.hybridge.managed";
    static final String GATEWAY = "io.hybridge.gateway";
    static final String WORKLOAD = "io.hybridge.workload";
    static final String REPLICA = "io.hybridge.replica";
    static final String SPEC_HASH = "io.hybridge.spec-hash";

    private InstanceLabels() {
    }

    static Map<String, String> of(InstanceRequest request) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED, "true");
        labels.put(GATEWAY, request.gatewayId());
        labels.put(WORKLOAD, request.spec().name());
        labels.put(REPLICA, Integer.toString(request.replica()));
        labels.put(SPEC_HASH, request.specHash());
        return labels;
    }

    /** Whether the labels say the container is one of this gateway's instances. */
    static boolean ownedBy(Map<String, String> labels, String gatewayId) {
        return labels != null && "true".equals(labels.get(MANAGED)) && gatewayId.equals(labels.get(GATEWAY));
    }

    /** Whether some Hybridge gateway made it. */
    static boolean managed(Map<String, String> labels) {
        return labels != null && "true".equals(labels.get(MANAGED)) && labels.containsKey(GATEWAY);
    }

    /**
     * What the engine's state of one managed container says. Empty when the labels are not a
     * managed instance's (a container someone made by hand with part of the marks).
     *
     * @param status     the engine's state word: created, running, paused, restarting, removing, exited, dead
     * @param startedAt  RFC 3339, or the engine's zero time {@code 0001-01-01T00:00:00Z} when never started
     */
    static Optional<InstanceInfo> read(String id, Map<String, String> labels, String status, int exitCode,
                                       boolean oomKilled, String startedAt, String finishedAt, String error) {
        if (!managed(labels) || labels.get(WORKLOAD) == null) {
            return Optional.empty();
        }
        int replica;
        try {
            replica = Integer.parseInt(labels.getOrDefault(REPLICA, "0"));
        } catch (NumberFormatException e) {
            replica = -1;
        }
        InstanceState state = state(status);
        return Optional.of(new InstanceInfo(id, labels.get(WORKLOAD), replica, labels.get(SPEC_HASH), state,
                state == InstanceState.EXITED ? exitCode : 0, oomKilled, time(startedAt), time(finishedAt), error));
    }

    static InstanceState state(String status) {
        if (status == null) {
            return InstanceState.EXITED;
        }
        switch (status) {
            case "created":
                return InstanceState.CREATED;
            case "running":
            case "paused":
            case "restarting":
                return InstanceState.RUNNING;
            default: // exited, dead, removing
                return InstanceState.EXITED;
        }
    }

    /** The engine's zero time (never started / not finished) reads as null. */
    static Instant time(String rfc3339) {
        if (rfc3339 == null || rfc3339.isEmpty() || rfc3339.startsWith("0001-01-01")) {
            return null;
        }
        try {
            return Instant.parse(rfc3339);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
