package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts a VMM so that it outlives the gateway: in the instance's cgroup from its first
 * instruction, in a session of its own, with its pid in the state directory. A small
 * {@code /bin/sh} launcher writes its own pid into the cgroup's {@code cgroup.procs} files and
 * then {@code exec}s the VMM (so the VMM's memory is charged to the instance's cgroup from the
 * first page). QEMU then detaches itself ({@code -daemonize}: new session, parent exits once the
 * VM is set up, or with the error); other VMMs are started in their own session with
 * {@code setsid} and their output appended to the console log.
 */
public final class VmLauncher {

    /** The VMM could not be started; the message is the VMM's own error. */
    public static final class LaunchFailure extends IOException {
        private static final long serialVersionUID = 1L;

        public LaunchFailure(String message) {
            super(message);
        }
    }

    private static final Duration DAEMONIZE_TIMEOUT = Duration.ofSeconds(60);
    private static final String LAUNCHER = "for p in $HYBRIDGE_CGROUP_PROCS; do echo $$ > \"$p\" || exit 125; done; exec \"$@\"";

    private VmLauncher() {
    }

    /** The launcher's command around the VMM's. */
    static List<String> command(LaunchPlan plan) {
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", LAUNCHER, "hybridge-vmm"));
        if (!plan.daemonizes()) {
            cmd.add("setsid");
        }
        cmd.addAll(plan.command());
        return cmd;
    }

    /**
     * Starts the VMM and returns its process (it may have ended already if the guest was that quick).
     *
     * @param cgroupProcs the {@code cgroup.procs} files to join, may be empty
     */
    public static ProcessHandle launch(LaunchPlan plan, InstanceDir dir, List<Path> cgroupProcs) throws IOException {
        for (Map.Entry<Path, String> file : plan.files().entrySet()) {
            dir.writePrivate(file.getKey(), file.getValue());
        }
        Files.deleteIfExists(dir.pidFile());
        Files.deleteIfExists(dir.controlSocket());
        Files.deleteIfExists(dir.qmpSocket());
        ProcessBuilder builder = new ProcessBuilder(command(plan)).directory(dir.path().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.to(dir.vmmErrors().toFile()));
        builder.environment().put("HYBRIDGE_CGROUP_PROCS", cgroupProcs.stream().map(Path::toString).collect(Collectors.joining(" ")));
        if (plan.daemonizes()) {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process parent = builder.start();
            try {
                if (!parent.waitFor(DAEMONIZE_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    parent.destroyForcibly();
                    throw new LaunchFailure("the VMM did not detach within " + DAEMONIZE_TIMEOUT.toSeconds() + " s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LaunchFailure("interrupted while the VMM started");
            }
            if (parent.exitValue() != 0) {
                throw new LaunchFailure(errors(dir, parent.exitValue()));
            }
            Optional<Long> pid = dir.pid();
            if (pid.isEmpty()) {
                throw new LaunchFailure("the VMM detached but wrote no pid to " + dir.pidFile());
            }
            return ProcessHandle.of(pid.get()).orElseGet(() -> ended(pid.get()));
        }
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.console().toFile()));
        Process vmm = builder.start();
        Files.writeString(dir.pidFile(), vmm.pid() + "\n");
        return vmm.toHandle();
    }

    private static String errors(InstanceDir dir, int status) {
        String text = "";
        try {
            text = Files.readString(dir.vmmErrors(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            // no error text
        }
        if (status == 125) {
            return "could not join the instance's cgroup (" + text + ")";
        }
        return text.isEmpty() ? "the VMM exited with status " + status + " and said nothing" : text.replace('\n', ' ');
    }

    /** A process that is already gone (the guest ran and ended before the pid could be looked up). */
    private static ProcessHandle ended(long pid) {
        return new GoneProcess(pid);
    }
}
