package io.hybridge.workloads.internal.supervisor;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: each workload's state
 * machine gets its own mailbox without owning a thread (50 supervised workloads must not cost
 * 50 idle threads).
 */
final class SerialExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(SerialExecutor.class);

    private final Executor pool;
    private final String name;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean running;

    SerialExecutor(Executor pool, String name) {
        this.pool = pool;
        this.name = name;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (tasks) {
            tasks.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        pool.execute(this::drain);
    }

    private void drain() {
        Thread thread = Thread.currentThread();
        String poolName = thread.getName();
        thread.setName(poolName + " " + name);
        try {
            while (true) {
                Runnable next;
                synchronized (tasks) {
                    next = tasks.poll();
                    if (next == null) {
                        running = false;
                        return;
                    }
                }
                try {
                    next.run();
                } catch (RuntimeException | LinkageError e) {
                    // one failing step must not stall the workload's later inputs
                    LOG.error("Workload {}: a supervisor step failed: {}", name, e.toString(), e);
                }
            }
        } finally {
            thread.setName(poolName);
        }
    }
}
