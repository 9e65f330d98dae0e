package io.hybridge.device.internal;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Reads what the running machine is and offers. Everything but the Docker ping is a handful
 * of small file reads (well under 50 ms); every read tolerates a missing file, because
 * containers, non-Linux development machines and odd boards each lack some of them.
 * The file system root, {@code os.arch}, the CPU count, {@code PATH}, the Docker probe and
 * the clock are injected so that tests can describe any machine with a temporary directory.
 */
final class MachineDetector {

    /** cgroup v1 says "unlimited" with a number near Long.MAX_VALUE (page-rounded); no machine has 2^60 bytes. */
    private static final long UNLIMITED_BYTES = 1L << 60;

    private final Path root;
    private final String osArch;
    private final IntSupplier processors;
    private final String searchPath;
    private final BooleanSupplier dockerProbe;
    private final LongSupplier clock;

    MachineDetector(Path root, String osArch, IntSupplier processors, String searchPath,
                    BooleanSupplier dockerProbe, LongSupplier clock) {
        this.root = root;
        this.osArch = osArch;
        this.processors = processors;
        this.searchPath = searchPath == null ? "" : searchPath;
        this.dockerProbe = dockerProbe;
        this.clock = clock;
    }

    static MachineDetector forThisMachine(Path dockerSocket, Duration dockerTimeout) {
        return new MachineDetector(Path.of("/"), System.getProperty("os.arch"),
                Runtime.getRuntime()::availableProcessors, System.getenv("PATH"),
                () -> DockerPing.ping(dockerSocket, dockerTimeout), System::currentTimeMillis);
    }

    MachineFacts facts() {
        long physical = memTotalMiB();
        long limit = cgroupMemoryLimitMiB();
        long available = physical == 0 ? (limit == Long.MAX_VALUE ? 0 : limit) : Math.min(physical, limit);
        return new MachineFacts(
                Architectures.linuxName(osArch),
                // the JVM already counts cgroup CPU quotas and the CPU affinity mask here
                processors.getAsInt(),
                physical,
                available,
                // the device tree ends its strings with NUL
                read("proc/device-tree/model").replace("\0", "").strip(),
                read("sys/class/dmi/id/product_name").strip(),
                cpuModel());
    }

    /**
     * Engines the machine offers now. KVM "usable" means {@code /dev/kvm} exists and this
     * process may open it read-write: necessary, not sufficient (nested virtualization can
     * hang guests), so the unikernel driver still proves it with a boot deadline.
     */
    DetectedCapabilities capabilities(String architecture) {
        Path kvm = root.resolve("dev/kvm");
        boolean kvmUsable = Files.exists(kvm) && Files.isReadable(kvm) && Files.isWritable(kvm);
        boolean qemuPresent = onPath(Architectures.qemuSystemBinary(architecture));
        return new DetectedCapabilities(dockerProbe.getAsBoolean(), qemuPresent, kvmUsable, clock.getAsLong());
    }

    private long memTotalMiB() {
        for (String line : lines("proc/meminfo")) {
            if (line.startsWith("MemTotal:")) {
                String kB = line.substring("MemTotal:".length()).replace("kB", "").strip();
                return parseLong(kB, 0) / 1024;
            }
        }
        return 0;
    }

    /**
     * The memory limit of this process's cgroup, Long.MAX_VALUE when there is none. Looks in
     * the process's own cgroup (a systemd service) and at the cgroup root (a container whose
     * cgroup namespace hides the host path). A limit set on a parent cgroup only, not on the
     * leaf, is not seen; that is rare for a gateway and not worth walking the tree.
     */
    private long cgroupMemoryLimitMiB() {
        long limit = Long.MAX_VALUE;
        for (String line : lines("proc/self/cgroup")) {
            String[] parts = line.split(":", 3);
            if (parts.length < 3) {
                continue;
            }
            if (parts[0].equals("0") && parts[1].isEmpty()) {
                limit = Math.min(limit, limitIn("sys/fs/cgroup" + parts[2] + "/memory.max"));
                limit = Math.min(limit, limitIn("sys/fs/cgroup/memory.max"));
            } else if (List.of(parts[1].split(",")).contains("memory")) {
                limit = Math.min(limit, limitIn("sys/fs/cgroup/memory" + parts[2] + "/memory.limit_in_bytes"));
                limit = Math.min(limit, limitIn("sys/fs/cgroup/memory/memory.limit_in_bytes"));
            }
        }
        return limit;
    }

    /** A limit file's value in MiB; "max" (v2) and v1's huge "unlimited" both come out as no limit. */
    private long limitIn(String file) {
        long bytes = parseLong(read(file).strip(), Long.MAX_VALUE);
        return bytes >= UNLIMITED_BYTES ? Long.MAX_VALUE : bytes / (1024 * 1024);
    }

    private String cpuModel() {
        Path cpuinfo = root.resolve("proc/cpuinfo");
        try (BufferedReader reader = Files.newBufferedReader(cpuinfo, StandardCharsets.ISO_8859_1)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals("model name")) {
                    return line.substring(colon + 1).strip();
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cpuinfo: nothing to match on
        }
        return "";
    }

    private boolean onPath(String executable) {
        for (String dir : searchPath.split(File.pathSeparator)) {
            try {
                Path candidate = Path.of(dir, executable);
                if (!dir.isEmpty() && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return true;
                }
            } catch (RuntimeException e) {
                // a PATH entry that is no valid path cannot hold QEMU
            }
        }
        return false;
    }

    private String read(String file) {
        try {
            return Files.readString(root.resolve(file), StandardCharsets.ISO_8859_1);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private List<String> lines(String file) {
        String text = read(file);
        return text.isEmpty() ? List.of() : text.lines().toList();
    }

    private static long parseLong(String text, long fallback) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
