package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * One kind of VMM: what it is called, whether it is installed, how it boots a {@link VmLaunch}
 * and how the guest is asked to stop. The runtime does the rest the same way for every VMM
 * (state directory, cgroup, pid, console log, exit detection).
 */
public interface VmmDriver {

    /** The id images and specs name: {@code qemu}, {@code firecracker}, {@code hvt}, {@code spt}. */
    String id();

    /** The VMM's executable, when installed. */
    Optional<Path> binary();

    /** Accelerators it can use. */
    Set<Accelerator> accelerators();

    /** Whether it can give the guest the broker forward (user networking with restrict=on). */
    boolean supportsBrokerForward();

    /**
     * The command line and files for this launch.
     *
     * @throws IllegalArgumentException naming what the VMM cannot do with this launch
     */
    LaunchPlan plan(VmLaunch launch, Path binary);

    /**
     * Asks the guest to power off (it may ignore it: the runtime kills after the grace).
     *
     * @param line the control line the runtime holds open to the VM, or null (the VMM accepts
     *             one client on it, so a driver must use this one when there is one)
     * @return how it asked, for the log
     */
    String askToStop(InstanceDir dir, ProcessHandle vmm, ControlLine line) throws IOException;

    /** Whether the VMM offers a {@link ControlLine} socket the runtime can hold open to see it end. */
    default boolean hasControlLine() {
        return false;
    }

    /** Marks in the VMM's command line that identify the instance, checked before adopting a pid. */
    default String identityMark(InstanceDir dir) {
        return dir.path().toString();
    }
}
