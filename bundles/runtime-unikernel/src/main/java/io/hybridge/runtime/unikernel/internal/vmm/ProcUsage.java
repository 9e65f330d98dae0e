package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.hybridge.api.workload.ResourceUsage;

/**
 * The VMM process's CPU and memory from {@code /proc}: what the VM costs the gateway (guest and
 * VMM together; the guest's own view is its business). CPU is the change of utime + stime
 * between two samples over the wall time between them.
 */
public final class ProcUsage {

    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux x86 and ARM

    private long lastTicks = -1;
    private long lastNanos;

    /** A sample, or empty when the process is gone. CPU is 0 at the first sample (no interval yet). */
    public synchronized Optional<ResourceUsage> sample(long pid, long memoryLimitBytes) {
        Path dir = Path.of("/proc", Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
            int threads = Integer.parseInt(fields[17]); // field 20
            long rss = 0;
            for (String line : Files.readAllLines(dir.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
            long now = System.nanoTime();
            double cpu = 0;
            if (lastTicks >= 0 && now > lastNanos) {
                cpu = (ticks - lastTicks) * 100.0 / TICKS_PER_SECOND / ((now - lastNanos) / 1e9);
            }
            lastTicks = ticks;
            lastNanos = now;
            return Optional.of(new ResourceUsage(cpu, rss, memoryLimitBytes, threads));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** MemTotal of {@code /proc/meminfo} in bytes, 0 when unknown. */
    public static long deviceMemoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
