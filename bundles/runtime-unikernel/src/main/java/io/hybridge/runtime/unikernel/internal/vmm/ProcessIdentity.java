package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process as the kernel knows it: pid plus its start time in clock ticks since boot
 * ({@code /proc/<pid>/stat} field 22). A pid alone is not an identity: after the VMM exits and
 * the gateway was down, the pid may belong to something else. Adopting checks both the start
 * time and a mark in the command line (the instance's state directory).
 */
public record ProcessIdentity(long pid, long startTicks) {

    /** The live process with this pid, if any. */
    public static Optional<ProcessIdentity> of(long pid) {
        return of(Path.of("/proc"), pid);
    }

    static Optional<ProcessIdentity> of(Path proc, long pid) {
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
            return Optional.of(new ProcessIdentity(pid, startTicks(stat)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private char stateIn(Path proc) {
        try {
            String stat = Files.readString(proc.resolve(Long.toString(pid)).resolve("stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /** The process's state letter ({@code R}, {@code S}, {@code Z} for a zombie, ...), {@code '?'} when it is gone. */
    public static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (IOException | RuntimeException e) {
            return '?';
        }
    }

    /** Field 22 of a stat line; the command name (field 2) may hold spaces and parentheses. */
    static long startTicks(String stat) {
        String afterName = stat.substring(stat.lastIndexOf(')') + 2);
        String[] fields = afterName.trim().split(" ");
        // afterName starts at field 3 (state), so field 22 is index 19
        return Long.parseLong(fields[19]);
    }

    /** Whether this very process still runs and its command line holds {@code mark}. */
    public boolean isAlive(String mark) {
        return isAlive(Path.of("/proc"), mark);
    }

    boolean isAlive(Path proc, String mark) {
        Optional<ProcessIdentity> now = of(proc, pid);
        if (now.isEmpty() || now.get().startTicks != startTicks || stateIn(proc) == 'Z') {
            return false;
        }
        try {
            byte[] cmdline = Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("cmdline"));
            return new String(cmdline, StandardCharsets.UTF_8).replace('\0', ' ').contains(mark);
        } catch (IOException e) {
            return false;
        }
    }
}
