package io.hybridge.api.workload;

/**
 * A sample of what an instance uses.
 *
 * @param cpuPercent       CPU over the last interval, 100 = one full CPU
 * @param memoryBytes      resident memory
 * @param memoryLimitBytes its limit, 0 when unlimited
 * @param pids             processes/threads, -1 when unknown
 */
public record ResourceUsage(double cpuPercent, long memoryBytes, long memoryLimitBytes, int pids) {
}
