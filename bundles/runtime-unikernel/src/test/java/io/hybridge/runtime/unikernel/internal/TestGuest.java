package io.hybridge.runtime.unikernel.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.runtime.unikernel.internal.image.ImageStore;
import io.hybridge.runtime.unikernel.internal.image.UnikernelImage;

/**
 * A tiny guest made in the test: the Debian cloud kernel the telemetry build caches
 * ({@code ~/.cache/hybridge/kernels/<package>/vmlinuz}) and an initramfs of Debian's static
 * busybox with {@code src/test/resources/guest/{init,task}} — the same contract as the
 * telemetry init (ready line, control line on ttyS1, exit line, power-off).
 */
final class TestGuest {

    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    static final String CMDLINE = "console=ttyS0 quiet loglevel=3 panic=-1 reboot=t pci=off i8042.noaux i8042.nokbd i8042.nopnp"
            + " no_timer_check lpj=10000000 random.trust_cpu=on";
    static final String READY_LINE = "hybridge-init: task started";
    /** The cloud kernel builds these as modules: virtio-mmio transport and virtio-net, in load order. */
    static final String[] NETWORK_MODULES = {"virtio_ring", "virtio", "virtio_mmio", "failover", "net_failover", "virtio_net"};
    private static UnikernelImage image;

    private TestGuest() {
    }

    /** QEMU, the kernel and busybox must be there: skipped without them, a failure with CI=true. */
    static synchronized UnikernelImage image() throws IOException, InterruptedException {
        if (image != null) {
            return image;
        }
        require(Files.isExecutable(QEMU), QEMU + " is missing: run itests/provision/provision.sh (Debian package qemu-system-x86)");
        require(Files.isExecutable(Path.of("/bin/busybox")), "/bin/busybox is missing: apt-get install busybox-static");
        Path kernel = kernel();
        Path dir = Path.of("target", "test-guest").toAbsolutePath();
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        for (String d : new String[] {"proc", "sys", "dev"}) {
            Files.createDirectories(root.resolve(d));
        }
        Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String file : new String[] {"init", "task"}) {
            try (InputStream in = TestGuest.class.getResourceAsStream("/guest/" + file)) {
                Files.copy(in, root.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.setPosixFilePermissions(root.resolve(file), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Path modules = kernel.getParent().resolve("modules");
        int order = 0;
        for (String module : NETWORK_MODULES) {
            try (var found = Files.walk(modules)) {
                Path ko = found.filter(f -> f.getFileName().toString().equals(module + ".ko")).findFirst()
                        .orElseThrow(() -> new AssertionError(module + ".ko is not in " + modules));
                Files.createDirectories(root.resolve("lib/modules"));
                Files.copy(ko, root.resolve("lib/modules/" + (order++) + "-" + module + ".ko"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Path initrd = dir.resolve("initrd");
        pack(root, initrd);
        image = new UnikernelImage("localhost/hybridge/test-guest:1", "sha256:" + "0".repeat(64), kernel, Optional.of(initrd),
                CMDLINE, "linux", "qemu", 1, 96,
                Map.of(UnikernelRuntime.READY_LINE_ANNOTATION, READY_LINE, "io.hybridge.unikernel.envPrefix", "hybridge.env."));
        return image;
    }

    private static void pack(Path root, Path initrd) throws IOException, InterruptedException {
        Process cpio = new ProcessBuilder("/bin/sh", "-c", "cd '" + root + "' && find . | sort | cpio -H newc -o -R 0:0 --quiet | gzip -1 > '"
                + initrd + "'").inheritIO().start();
        if (!cpio.waitFor(60, TimeUnit.SECONDS) || cpio.exitValue() != 0) {
            throw new AssertionError("making the test initramfs failed (cpio and gzip needed)");
        }
    }

    /**
     * The same guest with the telemetry image's own init ({@code ml-workloads/telemetry/src/image/init.c},
     * compiled statically here) in place of the busybox script: the task is {@code /bin/sh /task}
     * through {@code /etc/task.args}. Proves the C init's ready line, control line and exit line.
     */
    static synchronized UnikernelImage telemetryInitImage() throws IOException, InterruptedException {
        UnikernelImage busybox = image();
        Path source = Path.of("../../ml-workloads/telemetry/src/image/init.c").toAbsolutePath().normalize();
        require(Files.isRegularFile(source), source + " is missing");
        require(Files.isExecutable(Path.of("/usr/bin/gcc")), "gcc is missing: run itests/provision/provision.sh (gcc, libc6-dev)");
        Path busyboxRoot = Path.of("target", "test-guest", "root").toAbsolutePath();
        Path dir = Path.of("target", "test-guest-c-init").toAbsolutePath();
        Path root = dir.resolve("root");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve("etc"));
        Files.createDirectories(root.resolve("app"));
        Files.copy(busyboxRoot.resolve("bin/busybox"), root.resolve("bin/busybox"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(root.resolve("bin/sh"));
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        Files.copy(busyboxRoot.resolve("task"), root.resolve("task"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(root.resolve("etc/task.args"), "/bin/sh\n/task\n");
        Process gcc = new ProcessBuilder("/usr/bin/gcc", "-O2", "-static", "-o", root.resolve("init").toString(), source.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("gcc.log").toFile()).start();
        if (!gcc.waitFor(120, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
            throw new AssertionError("compiling " + source + " failed: " + Files.readString(dir.resolve("gcc.log")));
        }
        Path initrd = dir.resolve("initrd");
        pack(root, initrd);
        return new UnikernelImage("localhost/hybridge/test-guest-c-init:1", "sha256:" + "1".repeat(64), busybox.kernel(),
                Optional.of(initrd), CMDLINE, "linux", "qemu", 1, 96, busybox.annotations());
    }

    private static Path kernel() throws IOException {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "hybridge", "kernels");
        if (Files.isDirectory(cache)) {
            try (var dirs = Files.list(cache)) {
                Optional<Path> found = dirs.map(d -> d.resolve("vmlinuz")).filter(Files::isRegularFile).sorted().findFirst();
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        require(false, "no kernel in " + cache + ": build ml-workloads/telemetry once (its src/image/build-microvm.sh"
                + " downloads Debian's cloud kernel there with apt-get download)");
        return null;
    }

    static void require(boolean present, String reason) {
        if (present) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(reason);
        }
        Assumptions.abort(reason); // developer machine only: under CI=true the line above fails instead
    }

    /** Serves the test guest for every reference. */
    static ImageStore store(UnikernelImage image) {
        return new ImageStore() {
            @Override
            public UnikernelImage prepare(WorkloadSpec.Image reference, boolean forcePull) {
                return image;
            }

            @Override
            public Optional<UnikernelImage> present(String reference) {
                return Optional.of(image);
            }

            @Override
            public long collectGarbage(Set<String> manifestDigestsInUse) {
                return 0;
            }
        };
    }
}
