package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Puts a VMM process in a cgroup of its own with the spec's CPU quota and a memory limit of the
 * guest's memory plus the VMM's overhead. Works with cgroup v2 (one hierarchy,
 * {@code cpu.max}/{@code memory.max}; the parent's {@code cgroup.subtree_control} gets
 * {@code +cpu +memory}) and v1 (the {@code cpu} and {@code memory} hierarchies,
 * {@code cpu.cfs_quota_us}/{@code memory.limit_in_bytes}), whichever the host mounts with those
 * controllers under {@code /sys/fs/cgroup} (the build machines: v1, with an empty v2 hierarchy
 * beside it).
 *
 * <p>The parent defaults to {@code hybridge-vms} at the hierarchy's root, outside the gateway's
 * own cgroup: a service manager that kills the gateway's cgroup on stop would otherwise take the
 * VMs with it, and they must outlive a gateway restart. {@code {self}} in the parent stands for
 * the gateway's own cgroup in each hierarchy (where only a delegated subtree is writable).
 */
public final class CgroupPlacement {

    /** Which cgroup interface the host offers. */
    public enum Version { V1, V2, NONE }

    /** CFS period used for the quota, microseconds. */
    public static final long PERIOD_MICROS = 100_000;

    /**
     * @param cpuQuotaMicros CPU time per {@link #PERIOD_MICROS}, 0 = no limit
     * @param memoryBytes    memory limit, 0 = no limit
     */
    public record Limits(long cpuQuotaMicros, long memoryBytes) {
        public static Limits of(double cpus, long guestMemoryMiB, long overheadMiB) {
            long quota = cpus > 0 ? Math.max(1000, Math.round(cpus * PERIOD_MICROS)) : 0;
            long memory = guestMemoryMiB > 0 ? (guestMemoryMiB + overheadMiB) * 1024 * 1024 : 0;
            return new Limits(quota, memory);
        }
    }

    private final Version version;
    private final Path root;
    private final String parent;
    private final Map<String, String> selfPaths;

    /**
     * @param root      usually {@code /sys/fs/cgroup}
     * @param parent    parent path inside each hierarchy, may contain {@code {self}}
     * @param selfPaths the gateway's own cgroup per controller ({@code cpu}, {@code memory}; v2: {@code ""}),
     *                  from {@code /proc/self/cgroup}
     */
    CgroupPlacement(Version version, Path root, String parent, Map<String, String> selfPaths) {
        this.version = version;
        this.root = root;
        this.parent = parent;
        this.selfPaths = selfPaths;
    }

    public static CgroupPlacement detect(Path root, String parent) {
        Map<String, String> self = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                String[] parts = line.split(":", 3);
                for (String controller : parts[1].split(",")) {
                    self.put(controller, parts[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no self paths: {self} means the root
        }
        return new CgroupPlacement(detectVersion(root), root, parent, self);
    }

    static Version detectVersion(Path root) {
        try {
            Path controllers = root.resolve("cgroup.controllers");
            if (Files.isRegularFile(controllers)) {
                String text = Files.readString(controllers);
                return text.contains("cpu") && text.contains("memory") ? Version.V2 : Version.NONE;
            }
        } catch (IOException e) {
            return Version.NONE;
        }
        return Files.isRegularFile(root.resolve("cpu").resolve("cpu.cfs_quota_us"))
                && Files.isRegularFile(root.resolve("memory").resolve("memory.limit_in_bytes")) ? Version.V1 : Version.NONE;
    }

    public Version version() {
        return version;
    }

    /** The directories an instance's cgroup has, one per hierarchy. */
    public List<Path> directories(String instance) {
        return switch (version) {
            case V2 -> List.of(parentDir("", root).resolve(instance));
            case V1 -> List.of(parentDir("cpu", root.resolve("cpu")).resolve(instance),
                    parentDir("memory", root.resolve("memory")).resolve(instance));
            case NONE -> List.of();
        };
    }

    private Path parentDir(String controller, Path hierarchy) {
        String self = selfPaths.getOrDefault(controller, "/");
        String resolved = parent.replace("{self}", self).replaceAll("/+", "/").replaceAll("^/|/$", "");
        return resolved.isEmpty() ? hierarchy : hierarchy.resolve(resolved);
    }

    /** File → value the limits need, in the order they are written. */
    public Map<Path, String> values(String instance, Limits limits) {
        Map<Path, String> values = new LinkedHashMap<>();
        List<Path> dirs = directories(instance);
        switch (version) {
            case V2 -> {
                Path dir = dirs.get(0);
                values.put(dir.resolve("cpu.max"), (limits.cpuQuotaMicros() > 0 ? Long.toString(limits.cpuQuotaMicros()) : "max")
                        + " " + PERIOD_MICROS);
                values.put(dir.resolve("memory.max"), limits.memoryBytes() > 0 ? Long.toString(limits.memoryBytes()) : "max");
                values.put(dir.resolve("memory.swap.max"), "0");
            }
            case V1 -> {
                values.put(dirs.get(0).resolve("cpu.cfs_period_us"), Long.toString(PERIOD_MICROS));
                values.put(dirs.get(0).resolve("cpu.cfs_quota_us"), limits.cpuQuotaMicros() > 0 ? Long.toString(limits.cpuQuotaMicros()) : "-1");
                values.put(dirs.get(1).resolve("memory.limit_in_bytes"), limits.memoryBytes() > 0 ? Long.toString(limits.memoryBytes()) : "-1");
            }
            case NONE -> {
            }
        }
        return values;
    }

    /**
     * Creates the instance's cgroup with these limits; returns the {@code cgroup.procs} files the
     * VMM must join before it starts (the launcher writes its own pid there, then execs the VMM,
     * so all its memory is charged from the first page).
     */
    public List<Path> prepare(String instance, Limits limits) throws IOException {
        List<Path> procs = new ArrayList<>();
        for (Path dir : directories(instance)) {
            if (version == Version.V2) {
                enableControllers(dir.getParent());
            }
            Files.createDirectories(dir);
            procs.add(dir.resolve("cgroup.procs"));
        }
        for (Map.Entry<Path, String> value : values(instance, limits).entrySet()) {
            if (Files.exists(value.getKey())) {
                Files.writeString(value.getKey(), value.getValue());
            }
        }
        return procs;
    }

    private void enableControllers(Path parentDir) throws IOException {
        Files.createDirectories(parentDir);
        // each level between the root and the parent must pass the controllers down
        List<Path> chain = new ArrayList<>();
        for (Path p = parentDir; p != null && p.startsWith(root); p = p.getParent()) {
            chain.add(0, p);
        }
        for (Path level : chain) {
            Path control = level.resolve("cgroup.subtree_control");
            if (Files.isRegularFile(control) && !Files.readString(control).contains("memory")) {
                Files.writeString(control, "+cpu +memory");
            }
        }
    }

    /** Whether the memory limit killed something in the instance's cgroup. */
    public boolean oomKilled(String instance) {
        List<Path> dirs = directories(instance);
        try {
            if (version == Version.V2) {
                return counter(Files.readString(dirs.get(0).resolve("memory.events")), "oom_kill") > 0;
            }
            if (version == Version.V1) {
                return counter(Files.readString(dirs.get(1).resolve("memory.oom_control")), "oom_kill") > 0;
            }
        } catch (IOException | RuntimeException e) {
            return false;
        }
        return false;
    }

    static long counter(String text, String name) {
        for (String line : text.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2 && parts[0].equals(name)) {
                return Long.parseLong(parts[1]);
            }
        }
        return 0;
    }

    /**
     * Removes the instance's cgroup directories. A VMM that has just ended may still count as a
     * member until its new parent reaps it (EBUSY): retried for up to two seconds, then left for
     * the next remove.
     */
    public void remove(String instance) {
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (Path dir : directories(instance)) {
            while (true) {
                try {
                    Files.deleteIfExists(dir);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        break;
                    }
                    try {
                        Thread.sleep(20); // retry interval of an rmdir the kernel refuses for a moment
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    /** Where the limits are, for a manifest or a message. */
    public Optional<String> describe(String instance) {
        List<Path> dirs = directories(instance);
        return dirs.isEmpty() ? Optional.empty() : Optional.of(version + " " + dirs);
    }
}
