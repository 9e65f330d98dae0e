package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * QEMU's {@code microvm} machine: no PCI, no firmware, virtio-mmio devices, the kernel and initrd
 * loaded directly. The command line (see the README for why each part):
 * <ul>
 * <li>{@code -nodefaults -no-user-config -display none -no-reboot}: nothing the image did not ask
 *     for; a guest reset ends QEMU. ({@code -nographic} is what one types by hand, but QEMU
 *     refuses it with {@code -daemonize}; {@code -display none} plus explicit serial ports is the same.)</li>
 * <li>ttyS0 to {@code console.log} ({@code append=on}, so the runtime can copy-truncate it);
 *     ttyS1 to the control socket ({@link ControlLine}); QMP on its own socket.</li>
 * <li>the kernel command line in a 0600 {@code -readconfig} file when it fits
 *     ({@link KernelCommandLine#fitsConfigFile}), so the broker password is not in {@code ps}.</li>
 * <li>user networking with {@code restrict=on} and one {@code guestfwd} to the broker, when the
 *     guest has bus access; no network otherwise.</li>
 * <li>{@code -daemonize -pidfile}: QEMU detaches itself (own session, parent returns once the VM
 *     is set up, with its error on standard error if it is not), so the VM outlives a
 *     {@code kill -9} of the gateway.</li>
 * </ul>
 */
public final class QemuMicrovmDriver implements VmmDriver {

    public static final String ID = "qemu";

    private final Optional<Path> binary;
    private final String kvmCpuModel;
    private final int tcgTranslationCacheMiB;

    /**
     * @param binary                 qemu-system-x86_64, if installed
     * @param kvmCpuModel            {@code -cpu} under KVM ({@code host} normally)
     * @param tcgTranslationCacheMiB TCG's translation cache ({@code tb-size}); bounds QEMU's memory under TCG
     */
    public QemuMicrovmDriver(Optional<Path> binary, String kvmCpuModel, int tcgTranslationCacheMiB) {
        this.binary = binary;
        this.kvmCpuModel = kvmCpuModel;
        this.tcgTranslationCacheMiB = tcgTranslationCacheMiB;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Path> binary() {
        return binary;
    }

    @Override
    public Set<Accelerator> accelerators() {
        return EnumSet.allOf(Accelerator.class);
    }

    @Override
    public boolean supportsBrokerForward() {
        return true;
    }

    @Override
    public LaunchPlan plan(VmLaunch launch, Path qemu) {
        InstanceDir dir = launch.dir();
        List<String> cmd = new ArrayList<>(List.of(qemu.toString(), "-name", launch.name(), "-M", "microvm"));
        if (launch.accelerator() == Accelerator.KVM) {
            cmd.addAll(List.of("-accel", "kvm", "-cpu", kvmCpuModel));
        } else {
            cmd.addAll(List.of("-accel", "tcg,tb-size=" + tcgTranslationCacheMiB, "-cpu", "max"));
        }
        cmd.addAll(List.of("-smp", Integer.toString(launch.vcpus()), "-m", launch.memoryMiB() + "M",
                "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
                "-kernel", launch.image().kernel().toString()));
        launch.image().initrd().ifPresent(initrd -> cmd.addAll(List.of("-initrd", initrd.toString())));
        Map<Path, String> files = Map.of();
        if (KernelCommandLine.fitsConfigFile(launch.cmdline())) {
            Path config = dir.file("vm.cfg");
            files = Map.of(config, "[machine]\n  append = \"" + launch.cmdline() + "\"\n");
            cmd.addAll(List.of("-readconfig", config.toString()));
        } else if (!launch.cmdline().isEmpty()) {
            // longer than -readconfig reads, or quoted values: visible in ps (the README says so)
            cmd.addAll(List.of("-append", launch.cmdline()));
        }
        cmd.addAll(List.of(
                "-chardev", "file,id=console,path=" + dir.console() + ",append=on", "-serial", "chardev:console",
                "-chardev", "socket,id=control,path=" + dir.controlSocket() + ",server=on,wait=off",
                "-device", "isa-serial,chardev=control,index=1",
                "-qmp", "unix:" + dir.qmpSocket() + ",server=on,wait=off"));
        launch.network().ifPresent(net -> cmd.addAll(List.of(
                "-netdev", "user,id=net0,restrict=on,guestfwd=tcp:" + net.guestAddress() + ":" + net.guestPort() + "-" + forwardTarget(net),
                "-device", "virtio-net-device,netdev=net0")));
        cmd.addAll(List.of("-daemonize", "-pidfile", dir.pidFile().toString()));
        return new LaunchPlan(cmd, files, true);
    }

    /**
     * Where a guest connection to the broker address goes. QEMU's {@code guestfwd} to a character
     * device ({@code tcp:host:port}) is ONE connection, opened when QEMU starts: a broker that
     * closes it (a gateway restart, an idle CONNECT timeout while a slow guest boots) leaves the
     * guest without a broker for good, and a second guest connection cannot share it. With
     * {@code cmd:} QEMU spawns the relay for each guest connection, so the guest reconnects like
     * any MQTT client.
     */
    static String forwardTarget(VmNetwork net) {
        return net.relay()
                .map(relay -> "cmd:" + relay + " - TCP:127.0.0.1:" + net.hostPort())
                .orElse("tcp:127.0.0.1:" + net.hostPort());
    }

    @Override
    public boolean hasControlLine() {
        return true;
    }

    @Override
    public String askToStop(InstanceDir dir, ProcessHandle vmm, ControlLine held) throws IOException {
        IOException failure = null;
        StringBuilder how = new StringBuilder();
        try {
            if (held != null) {
                held.send(ControlLine.STOP);
            } else {
                try (ControlLine line = ControlLine.connect(dir.controlSocket())) {
                    line.send(ControlLine.STOP);
                }
            }
            how.append("'stop' on the guest's control line (ttyS1)");
        } catch (IOException e) {
            failure = e;
        }
        // also the ACPI power button, for guests with a listener of their own
        if (Files.exists(dir.qmpSocket())) {
            try {
                Qmp.execute(dir.qmpSocket(), "system_powerdown");
                how.append(how.isEmpty() ? "" : " and ").append("ACPI power button (QMP system_powerdown)");
            } catch (IOException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (how.isEmpty()) {
            throw failure != null ? failure : new IOException("no control socket at " + dir.controlSocket());
        }
        return how.toString();
    }
}
