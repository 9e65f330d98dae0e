package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Solo5's tenders, {@code solo5-hvt} (KVM) and {@code solo5-spt} (seccomp sandbox, no
 * virtualisation), used only when on the PATH. <b>Untested against real tenders</b> (not
 * installable here): what is verified is the command line. Solo5 unikernels (MirageOS, ...) take
 * no initrd, their arguments follow the kernel file, their console is the tender's standard
 * output, and a tender is stopped by a signal (there is no guest-side power-off request). Network
 * needs a tap device ({@code --net:NAME=tap}), which the runtime does not create: no broker forward.
 */
public final class Solo5Driver implements VmmDriver {

    private final String tender;
    private final Optional<Path> binary;

    /** @param tender {@code hvt} or {@code spt} */
    public Solo5Driver(String tender, Optional<Path> binary) {
        if (!tender.equals("hvt") && !tender.equals("spt")) {
            throw new IllegalArgumentException("Solo5 tender '" + tender + "': use hvt or spt");
        }
        this.tender = tender;
        this.binary = binary;
    }

    @Override
    public String id() {
        return tender;
    }

    @Override
    public Optional<Path> binary() {
        return binary;
    }

    @Override
    public Set<Accelerator> accelerators() {
        // spt needs no virtualisation at all; TCG stands for "no KVM" here
        return tender.equals("hvt") ? EnumSet.of(Accelerator.KVM) : EnumSet.allOf(Accelerator.class);
    }

    @Override
    public boolean supportsBrokerForward() {
        return false;
    }

    @Override
    public LaunchPlan plan(VmLaunch launch, Path solo5) {
        if (launch.image().initrd().isPresent()) {
            throw new IllegalArgumentException("Solo5 (" + tender + ") boots a single unikernel binary and takes no initrd;"
                    + " the image has one: use the qemu hypervisor");
        }
        if (launch.network().isPresent()) {
            throw new IllegalArgumentException("Solo5 has no user networking to forward the broker; use the qemu hypervisor"
                    + " for a workload with bus access");
        }
        if (tender.equals("hvt") && launch.accelerator() != Accelerator.KVM) {
            throw new IllegalArgumentException("solo5-hvt needs KVM");
        }
        List<String> cmd = new ArrayList<>(List.of(solo5.toString(), "--mem=" + launch.memoryMiB(),
                launch.image().kernel().toString()));
        if (!launch.cmdline().isEmpty()) {
            cmd.addAll(List.of(launch.cmdline().split(" +")));
        }
        return new LaunchPlan(cmd, Map.of(), false);
    }

    @Override
    public String askToStop(InstanceDir dir, ProcessHandle vmm, ControlLine line) throws IOException {
        vmm.destroy(); // SIGTERM: the tender ends the unikernel
        return "SIGTERM to solo5-" + tender;
    }
}
