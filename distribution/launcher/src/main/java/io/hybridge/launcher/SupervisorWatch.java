package io.hybridge.launcher;

import java.util.Optional;

/**
 * Ends the JVM when the {@code bin/hybridge} loop that started it is gone. The loop runs the
 * JVM as its child (it must outlive the JVM to start the next slot), so a {@code kill -9} of
 * the gateway's process would otherwise leave an orphaned gateway that holds its ports and
 * that no one supervises: it halts like the killed process it belongs to, without shutdown
 * hooks, as a power cut would.
 */
final class SupervisorWatch {

    /** How often the parent is looked at; the gateway outlives a killed supervisor by about this. */
    private static final long POLL_MS = 200;
    /** Exit status of the halt: that of a process killed by SIGKILL. */
    private static final int KILLED = 137;

    private SupervisorWatch() {
    }

    /** Watches the parent process when bin/hybridge says it supervises this JVM. */
    static void startIfSupervised() {
        if (!"1".equals(System.getenv("HYBRIDGE_SUPERVISED"))) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        if (parent.isEmpty()) {
            return;
        }
        long supervisor = parent.get().pid();
        Thread thread = new Thread(() -> {
            // the parent pid changes when the parent dies (re-parented to init or a subreaper);
            // asking whether the old pid is alive would see a zombie nobody reaps as alive
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == supervisor) {
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(KILLED);
        }, "hybridge-supervisor-watch");
        thread.setDaemon(true);
        thread.start();
    }
}
