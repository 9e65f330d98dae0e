package io.hybridge.api.workload;

import java.util.Locale;

/** Where a workload stands, as operators see it in {@code /health}, the console and {@code GET/workloads}. */
public enum WorkloadState {
    /** Accepted, not acted on yet. */
    PENDING,
    /** Fetching or loading its image. */
    PREPARING,
    /** Started; inside the health check's start period, or not all replicas up yet. */
    STARTING,
    /** All replicas run and pass their health check. */
    RUNNING,
    /** Runs but fails its health check. */
    UNHEALTHY,
    /** Exited or failed to start; waiting out the restart backoff. */
    BACKOFF,
    /** Failed {@code crashLoopLimit} times in a row; left stopped until restarted or respecified. */
    CRASH_LOOP,
    /** Exited with 0 under restart mode {@code on-failure}/{@code never}; done. */
    COMPLETED,
    /** Exited with an error under restart mode {@code never}, or cannot be run with this spec (see message). */
    FAILED,
    /** Replicas 0: kept, not run. */
    STOPPED,
    /** Its runtime's engine is absent or not answering; acted on when it returns. */
    ENGINE_UNAVAILABLE;

    /** Kebab-case id, e.g. {@code engine-unavailable}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
