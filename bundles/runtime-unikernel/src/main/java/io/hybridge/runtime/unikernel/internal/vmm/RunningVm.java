package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.hybridge.api.workload.ResourceUsage;

/**
 * One VM the runtime watches, whether it started it or adopted it after a restart. Its end is
 * seen at once: the VMM closes the control line the runtime holds open (QEMU), with
 * {@link ProcessHandle#onExit()} as the backstop (for an adopted process that is not a child the
 * JDK polls it, within seconds). Console lines are pumped by the runtime's scheduler
 * ({@link #pump()}); the first line that matches the image's ready line (or any line, when the
 * image names none) is the guest's first sign of life.
 */
public final class RunningVm {

    private final InstanceDir dir;
    private final VmmDriver driver;
    private final ProcessHandle process;
    private final ConsoleLog console;
    private final String readyLine;
    private final ControlLine control;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final List<Consumer<String>> followers = new CopyOnWriteArrayList<>();
    private final ProcUsage usage = new ProcUsage();
    private final AtomicBoolean endHandled = new AtomicBoolean();
    private volatile boolean killedAfterGrace;
    private volatile boolean discarded;
    private volatile boolean released;

    /**
     * @param readyLine text of the ready line, empty = any console line
     * @param control   the control line held open, or null when the VMM has none
     */
    public RunningVm(InstanceDir dir, VmmDriver driver, ProcessHandle process, ConsoleLog console, String readyLine,
                     ControlLine control) {
        this.dir = dir;
        this.driver = driver;
        this.process = process;
        this.console = console;
        this.readyLine = readyLine;
        this.control = control;
    }

    /** Starts watching for the end; {@code onEnd} runs once, on whichever thread saw it first. */
    public void watch(Consumer<RunningVm> onEnd) {
        Runnable end = () -> {
            if (released || !gone()) {
                return; // released to the next runtime, or the control line closed for another reason (onExit still fires)
            }
            if (endHandled.compareAndSet(false, true)) {
                pump();
                if (control != null) {
                    control.close();
                }
                try {
                    onEnd.accept(this);
                } finally {
                    ended.complete(null);
                }
            }
        };
        if (control != null) {
            Thread thread = new Thread(() -> {
                control.awaitClose();
                // the socket closes while the VMM is still exiting: give it a moment to be gone
                long deadline = System.nanoTime() + 3_000_000_000L;
                while (!released && !gone() && System.nanoTime() < deadline) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                end.run();
            }, "hybridge-vm-" + dir.name());
            thread.setDaemon(true);
            thread.start();
        }
        process.onExit().thenRun(end);
    }

    /**
     * Whether the VMM has ended: gone, or a zombie its new parent (init, after QEMU daemonized)
     * has not reaped yet — {@link ProcessHandle#isAlive()} still says alive then, for up to a
     * second here.
     */
    private boolean gone() {
        return !process.isAlive() || ProcessIdentity.state(process.pid()) == 'Z';
    }

    /** Reads new console lines, hands them to followers and notes the first sign of life. */
    public void pump() {
        List<String> lines;
        try {
            lines = console.poll();
        } catch (IOException e) {
            return;
        }
        for (String line : lines) {
            if (!ready.isDone() && (readyLine.isEmpty() ? !line.isBlank() : line.contains(readyLine))) {
                ready.complete(null);
            }
            for (Consumer<String> follower : followers) {
                follower.accept(line);
            }
        }
    }

    /** Waits for the first sign of life; false when the deadline passed or the VM ended first. */
    public boolean awaitReady(Duration deadline) {
        try {
            CompletableFuture.anyOf(ready, ended).get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (Exception e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return ready.isDone();
    }

    public boolean isReady() {
        return ready.isDone();
    }

    /** Waits for the end (and its handling); true when it ended within {@code timeout}. */
    public boolean awaitEnd(Duration timeout) {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (Exception e) {
            Thread.currentThread().interrupt();
            return ended.isDone();
        }
    }

    public boolean hasEnded() {
        return ended.isDone();
    }

    /** Asks the guest to power off; returns how. */
    public String askToStop() throws IOException {
        return driver.askToStop(dir, process, control);
    }

    /** SIGKILL to the VMM. */
    public void kill(boolean afterGrace) {
        killedAfterGrace |= afterGrace;
        process.destroyForcibly();
    }

    public boolean killedAfterGrace() {
        return killedAfterGrace;
    }

    /** A start attempt that is given up (KVM that never came up): its end is not an instance's exit. */
    public void discard() {
        discarded = true;
    }

    public boolean discarded() {
        return discarded;
    }

    /**
     * Stops watching without touching the VM (the runtime is deactivated; the VM runs on and the
     * next runtime adopts it): the control line is closed so that runtime can connect to it.
     */
    public void release() {
        released = true;
        if (control != null) {
            control.close();
        }
    }

    public AutoCloseable follow(Consumer<String> sink) {
        followers.add(sink);
        return () -> followers.remove(sink);
    }

    public Optional<ResourceUsage> usage(long memoryLimitBytes) {
        return usage.sample(process.pid(), memoryLimitBytes);
    }

    public InstanceDir dir() {
        return dir;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return !gone();
    }
}
