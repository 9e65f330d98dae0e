package io.hybridge.telemetry;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Assumptions;

/**
 * The built microVM image and the QEMU command that boots it the way the README says: QEMU's
 * microvm machine, TCG, one vCPU, 256 MiB, serial console on standard output, user networking
 * restricted to one forward - the guest's 10.0.2.100:1883 is the broker on the host's loopback.
 */
final class MicroVm {

    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    /** Where the guest finds the broker: a guestfwd address of QEMU's user network. */
    static final String GUEST_BROKER = "10.0.2.100:1883";

    final Path kernel;
    final Path initrd;
    final String cmdline;
    final Properties properties;

    private MicroVm(Properties p) {
        this.properties = p;
        this.kernel = Path.of(p.getProperty("kernel"));
        this.initrd = Path.of(p.getProperty("initrd"));
        this.cmdline = p.getProperty("cmdline");
    }

    /** The image the build made; QEMU must be there (skip, or fail with CI=true). */
    static MicroVm built() throws IOException {
        if (Boolean.getBoolean("telemetry.microvm.skip")) {
            Assumptions.abort("-Dtelemetry.microvm.skip=true: no microVM image was built"); // an explicit opt-out of the image build; .ci/run never sets it
        }
        Path file = Path.of(System.getProperty("telemetry.microvm.properties", "target/microvm-image.properties"));
        if (!Files.isRegularFile(file)) {
            throw new AssertionError(file + " is missing: the package phase builds the microVM image (src/image/build-microvm.sh)");
        }
        if (!Files.isExecutable(QEMU)) {
            String reason = QEMU + " is missing: run itests/provision/provision.sh (Debian package qemu-system-x86)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason); // developer machine without QEMU only: under CI=true the line above fails instead
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return new MicroVm(p);
    }

    /**
     * The QEMU command line.
     *
     * @param brokerPort the broker's port on 127.0.0.1
     * @param env        the task's environment, passed as hybridge.env.NAME=value (double-quoted
     *                   when the value holds a space)
     */
    List<String> command(int brokerPort, Map<String, String> env) {
        StringBuilder append = new StringBuilder(cmdline);
        append.append(' ').append(tscParameter());
        env.forEach((k, v) -> append.append(" hybridge.env.").append(k).append('=').append(v.contains(" ") ? '"' + v + '"' : v));
        List<String> cmd = new ArrayList<>(List.of(QEMU.toString(),
                "-M", "microvm", "-accel", "tcg", "-cpu", "max", "-smp", "1", "-m", "256",
                "-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-serial", "stdio",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", append.toString(),
                "-netdev", "user,id=n0,restrict=on,guestfwd=tcp:" + GUEST_BROKER + "-tcp:127.0.0.1:" + brokerPort,
                "-device", "virtio-net-device,netdev=n0"));
        return cmd;
    }

    /**
     * Under TCG the guest's TSC is the host's, and calibrating it against the emulated PIT fails
     * now and then on a loaded host (the boot then hangs): the host's TSC rate, given up front,
     * avoids the calibration. Not needed under KVM (kvm-clock).
     */
    static String tscParameter() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("cpu MHz")) {
                    double mhz = Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
                    return "tsc_early_khz=" + Math.round(mhz * 1000);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no figure: let the guest calibrate
        }
        return "";
    }
}
