package io.hybridge.runtime.unikernel.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.hybridge.runtime.unikernel.internal.vmm.AcceleratorPolicy;

/**
 * The runtime's configuration as values, checked. Tests build it directly.
 *
 * @param cgroupParent empty: no cgroups
 */
record RuntimeSettings(boolean enabled, AcceleratorPolicy.Mode accelerator, boolean allowTcgFallback, Duration readinessDeadline,
                       Optional<Path> qemuBinary, String kvmCpuModel, int tcgTranslationCacheMiB, long defaultMemoryMiB,
                       long vmmOverheadMiB, String cgroupParent, long consoleLogMaxBytes, String guestBrokerHost,
                       int guestBrokerPort, Path stateDir, Path socketDir, String defaultRegistry) {

    static RuntimeSettings from(UnikernelRuntimeConfig config, Path defaultStateDir) {
        String[] broker = config.guestBrokerAddress().split(":");
        if (broker.length != 2) {
            throw new IllegalArgumentException("guestBrokerAddress '" + config.guestBrokerAddress() + "': use host:port, e.g. 10.0.2.100:1883");
        }
        Path state = config.stateDir().isBlank() ? defaultStateDir : Path.of(config.stateDir());
        return new RuntimeSettings(config.enabled(), AcceleratorPolicy.Mode.of(config.accelerator()), config.allowTcgFallback(),
                Duration.ofSeconds(config.readinessDeadlineSeconds()),
                config.qemuBinary().isBlank() ? onPath("qemu-system-x86_64") : Optional.of(Path.of(config.qemuBinary())).filter(Files::isExecutable),
                config.kvmCpuModel(), config.tcgTranslationCacheMiB(), config.defaultMemoryMiB(), config.vmmOverheadMiB(),
                config.cgroupParent().trim(), config.consoleLogMaxKiB() * 1024L, broker[0], Integer.parseInt(broker[1]), state,
                config.socketDir().isBlank() ? defaultSocketDir() : Path.of(config.socketDir()), config.defaultRegistry().trim());
    }

    /** An executable of this name on the PATH. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "/usr/local/bin:/usr/bin:/bin" : path).split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    static Path defaultSocketDir() {
        Path run = Path.of("/run");
        return Files.isWritable(run) ? run.resolve("hybridge-vmm") : Path.of(System.getProperty("java.io.tmpdir"), "hybridge-vmm");
    }

    Path instancesDir() {
        return stateDir.resolve("instances");
    }
}
