package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Which accelerator a start tries, and what was learnt about KVM. {@code /dev/kvm} being there
 * (even openable) does not mean KVM works: on the build machines it exists, and a guest under it
 * either makes QEMU fail at start ({@code -cpu host}: an MSR QEMU cannot set) or runs without ever
 * printing a line. So under {@code auto} the first KVM start must <em>prove</em> KVM: a guest
 * that shows no sign of life within the readiness deadline is killed, the reason recorded, and
 * the start retried under TCG when {@code allowTcgFallback} is set. The verdict is kept (in
 * memory and in {@code kvm-verdict.properties}, valid until the host reboots: its boot id) so
 * later starts go straight to what works.
 */
public final class AcceleratorPolicy {

    /** The configured choice. */
    public enum Mode {
        AUTO, KVM, TCG;

        /** @throws IllegalArgumentException naming the accepted values */
        public static Mode of(String id) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(id.trim())) {
                    return mode;
                }
            }
            throw new IllegalArgumentException("accelerator '" + id + "': use auto, kvm or tcg");
        }
    }

    /** What is known of KVM on this host. */
    public enum KvmVerdict { UNKNOWN, USABLE, UNUSABLE }

    private final Mode mode;
    private final boolean allowTcgFallback;
    private final Duration readinessDeadline;
    private final Path devKvm;
    private final Path verdictFile;
    private final String bootId;
    private volatile KvmVerdict verdict = KvmVerdict.UNKNOWN;
    private volatile String verdictReason = "";

    public AcceleratorPolicy(Mode mode, boolean allowTcgFallback, Duration readinessDeadline, Path devKvm, Path verdictFile,
                             String bootId) {
        this.mode = mode;
        this.allowTcgFallback = allowTcgFallback;
        this.readinessDeadline = readinessDeadline;
        this.devKvm = devKvm;
        this.verdictFile = verdictFile;
        this.bootId = bootId;
        load();
    }

    public Mode mode() {
        return mode;
    }

    public Duration readinessDeadline() {
        return readinessDeadline;
    }

    public boolean allowTcgFallback() {
        return allowTcgFallback;
    }

    public KvmVerdict verdict() {
        return verdict;
    }

    public String verdictReason() {
        return verdictReason;
    }

    /** Whether {@code /dev/kvm} can be opened for reading and writing (what QEMU does). */
    public boolean kvmOpenable() {
        try (FileChannel channel = FileChannel.open(devKvm, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** The accelerators to try, in order, for a VMM that can use {@code supported}. */
    public List<Accelerator> attempts(java.util.Set<Accelerator> supported) {
        List<Accelerator> order = new ArrayList<>();
        switch (mode) {
            case TCG -> order.add(Accelerator.TCG);
            case KVM -> {
                if (verdict != KvmVerdict.UNUSABLE || !allowTcgFallback) {
                    order.add(Accelerator.KVM);
                }
                if (allowTcgFallback) {
                    order.add(Accelerator.TCG);
                }
            }
            case AUTO -> {
                if (verdict != KvmVerdict.UNUSABLE && kvmOpenable()) {
                    order.add(Accelerator.KVM);
                }
                if (order.isEmpty() || allowTcgFallback) {
                    order.add(Accelerator.TCG);
                }
            }
        }
        order.retainAll(supported);
        return order;
    }

    /** Whether a start under this accelerator must wait for the guest's first sign of life before it counts. */
    public boolean mustProve(Accelerator accelerator) {
        return accelerator == Accelerator.KVM && verdict != KvmVerdict.USABLE;
    }

    public void kvmWorked() {
        record(KvmVerdict.USABLE, "a guest came up under KVM at " + Instant.now());
    }

    public void kvmFailed(String reason) {
        record(KvmVerdict.UNUSABLE, reason);
    }

    /** For health: the mode, the verdict and why. */
    public String describe() {
        return "accelerator " + mode.name().toLowerCase(Locale.ROOT) + ", KVM " + verdict.name().toLowerCase(Locale.ROOT)
                + (verdictReason.isEmpty() ? "" : " (" + verdictReason + ")");
    }

    private void record(KvmVerdict newVerdict, String reason) {
        verdict = newVerdict;
        verdictReason = reason;
        if (verdictFile == null) {
            return;
        }
        Properties properties = new Properties();
        properties.setProperty("verdict", newVerdict.name());
        properties.setProperty("reason", reason);
        properties.setProperty("bootId", bootId);
        try {
            Files.createDirectories(verdictFile.getParent());
            try (var out = Files.newBufferedWriter(verdictFile)) {
                properties.store(out, "what the unikernel runtime learnt about KVM on this host (until it reboots)");
            }
        } catch (IOException e) {
            // kept in memory; a restart proves KVM again
        }
    }

    private void load() {
        if (verdictFile == null || !Files.isRegularFile(verdictFile)) {
            return;
        }
        Properties properties = new Properties();
        try (var in = Files.newBufferedReader(verdictFile)) {
            properties.load(in);
            if (bootId.equals(properties.getProperty("bootId"))) {
                verdict = KvmVerdict.valueOf(properties.getProperty("verdict", "UNKNOWN"));
                verdictReason = properties.getProperty("reason", "");
            }
        } catch (IOException | IllegalArgumentException e) {
            // unreadable: prove again
        }
    }

    /** The host's boot id, which changes at every reboot. */
    public static String hostBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
