package io.hybridge.device.internal;

/**
 * What detection read from the running machine. Strings are empty when the machine does
 * not say (no device tree on x86, no DMI on most ARM boards).
 *
 * @param physicalMemoryMiB {@code MemTotal}: identifies the board, so a cgroup limit must not
 *                          change which board matches
 * @param availableMemoryMiB what the gateway may use: the lower of {@code MemTotal} and the
 *                          cgroup memory limit
 */
record MachineFacts(
        String architecture,
        int cpuCores,
        long physicalMemoryMiB,
        long availableMemoryMiB,
        String deviceTreeModel,
        String dmiProductName,
        String cpuModel) {
}
