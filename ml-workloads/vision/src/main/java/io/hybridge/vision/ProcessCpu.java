package io.hybridge.vision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time this process has used (all threads, user + system), from {@code /proc/self/stat}.
 * Throughput per CPU second holds still when other work shares the machine, frames per second
 * does not. NaN where there is no procfs.
 */
final class ProcessCpu {

    /** USER_HZ: the unit of /proc times, 100 on every Linux architecture the image targets. */
    private static final double TICKS_PER_SECOND = 100;

    private ProcessCpu() {
    }

    static double seconds() {
        try {
            return parse(Files.readString(Path.of("/proc/self/stat")));
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Fields 14 and 15 (utime, stime); the name in field 2 may hold spaces and parentheses. */
    static double parse(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" +");
        // fields[0] is field 3 (state)
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }
}
