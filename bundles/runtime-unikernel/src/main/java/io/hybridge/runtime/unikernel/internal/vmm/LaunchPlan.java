package io.hybridge.runtime.unikernel.internal.vmm;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a driver decided: the VMM's command line and the files it reads. Files are written with
 * mode 0600 before the VMM starts: the kernel command line carries the broker password and must
 * not show in the host's process list.
 *
 * @param command    the VMM and its arguments; it must detach itself (or be detached by the
 *                   runtime) and write its pid to {@link InstanceDir#pidFile()}
 * @param files      private files and their content
 * @param daemonizes whether the command returns once the VM runs (QEMU {@code -daemonize}); else
 *                   the runtime starts it in its own session and writes the pid file itself
 */
public record LaunchPlan(List<String> command, Map<Path, String> files, boolean daemonizes) {
    public LaunchPlan {
        command = List.copyOf(command);
        files = Map.copyOf(files);
    }
}
