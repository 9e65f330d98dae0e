package io.hybridge.console.internal.workloads;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * One workload's status as the text of the console table's cells. The page renders these and
 * its {@code status.json} sends them, so the auto-refresh sets the same words the server wrote
 * (as text, never as markup) and the two cannot drift apart.
 *
 * @param tone     colour group of the state: {@code ok}, {@code progress}, {@code warning},
 *                 {@code error}, {@code idle}
 * @param wanted   the desired replica count in words
 * @param replicas one line per replica
 */
record StatusCells(String name, String runtime, String state, String tone, String message, String restarts,
                   String lastExit, String wanted, List<String> replicas, String source, String specHash, String since) {

    private static final double MIB = 1024.0 * 1024.0;

    static StatusCells of(WorkloadStatus status, Instant now) {
        List<String> replicas = new ArrayList<>();
        for (WorkloadStatus.Replica replica : status.replicas()) {
            replicas.add(replica(replica));
        }
        if (replicas.isEmpty()) {
            replicas.add(status.desiredReplicas() == 0 ? "none (replicas 0)" : "none yet");
        }
        return new StatusCells(status.name(),
                status.runtime() == null ? "" : status.runtime().id(),
                status.state().id(),
                tone(status.state()),
                status.message(),
                Integer.toString(status.restarts()),
                lastExit(status.lastExit()),
                status.desiredReplicas() + " wanted",
                replicas,
                status.source() == null ? "" : status.source(),
                shortHash(status.specHash()),
                moment(status.since(), now));
    }

    /** The colour group of a state: what an operator should feel when seeing it. */
    static String tone(WorkloadState state) {
        return switch (state) {
            case RUNNING -> "ok";
            case PENDING, PREPARING, STARTING -> "progress";
            case BACKOFF, UNHEALTHY -> "warning";
            case FAILED, CRASH_LOOP, ENGINE_UNAVAILABLE -> "error";
            case COMPLETED, STOPPED -> "idle";
        };
    }

    static String replica(WorkloadStatus.Replica replica) {
        StringBuilder text = new StringBuilder("#").append(replica.index()).append(' ');
        text.append(replica.instanceId().isEmpty() ? "(no instance)" : shortId(replica.instanceId()));
        text.append(' ').append(replica.state().id());
        text.append(replica.healthy() ? ", healthy" : ", not healthy");
        if (replica.restarts() > 0) {
            text.append(", ").append(replica.restarts()).append(replica.restarts() == 1 ? " restart" : " restarts");
        }
        ResourceUsage usage = replica.usage();
        if (usage != null) {
            text.append(", CPU ").append(String.format(Locale.ROOT, "%.1f", usage.cpuPercent())).append(" %");
            text.append(", ").append(mib(usage.memoryBytes())).append(" / ")
                    .append(usage.memoryLimitBytes() > 0 ? mib(usage.memoryLimitBytes()) + " MiB" : "no limit");
        }
        return text.toString();
    }

    static String lastExit(WorkloadStatus.Exit exit) {
        if (exit == null) {
            return "";
        }
        StringBuilder text = new StringBuilder().append(exit.code());
        if (exit.reason() != null && !exit.reason().isEmpty()) {
            text.append(" — ").append(exit.reason());
        } else if (exit.oomKilled()) {
            text.append(" — killed: out of memory");
        }
        if (exit.at() != null) {
            text.append(" — ").append(exit.at().truncatedTo(ChronoUnit.SECONDS));
        }
        return text.toString();
    }

    /** A moment as its UTC time and how long ago, e.g. {@code 2025-03-01T10:00:00Z (3 min ago)}. */
    static String moment(Instant at, Instant now) {
        if (at == null) {
            return "";
        }
        Duration ago = Duration.between(at, now);
        String age;
        if (ago.isNegative() || ago.toSeconds() < 60) {
            age = Math.max(0, ago.toSeconds()) + " s ago";
        } else if (ago.toMinutes() < 60) {
            age = ago.toMinutes() + " min ago";
        } else if (ago.toHours() < 48) {
            age = ago.toHours() + " h ago";
        } else {
            age = ago.toDays() + " days ago";
        }
        return at.truncatedTo(ChronoUnit.SECONDS) + " (" + age + ")";
    }

    /** Container ids are 64 hex digits; 12 name one as {@code docker ps} does. */
    static String shortId(String id) {
        String bare = id.startsWith("sha256:") ? id.substring(7) : id;
        return bare.length() > 12 ? bare.substring(0, 12) : bare;
    }

    static String shortHash(String hash) {
        if (hash == null) {
            return "";
        }
        return hash.length() > 12 ? hash.substring(0, 12) : hash;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f", bytes / MIB);
    }

    /** The cells for the page's {@code status.json}. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("runtime", runtime);
        json.put("state", state);
        json.put("tone", tone);
        json.put("message", message);
        json.put("restarts", restarts);
        json.put("lastExit", lastExit);
        json.put("wanted", wanted);
        json.put("replicas", replicas);
        json.put("source", source);
        json.put("specHash", specHash);
        json.put("since", since);
        return json;
    }
}
