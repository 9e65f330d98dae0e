package io.hybridge.cloud.internal.store;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that makes changes durable: commit the MVStore, then fsync the file.
 *
 * <p>Writers change the maps themselves and then {@link #request()} a commit; everyone who asked
 * while a commit was running shares the next one. One fsync thus acknowledges a whole batch, so
 * throughput grows with the number of concurrent appenders instead of being capped at one message
 * per fsync. MVStore runs with auto-commit off, so nothing else writes the file behind our back
 * and a commit is complete on disk when {@code commit()} returns (its background pipeline only
 * exists with auto-commit on).
 */
final class GroupCommitter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitter.class);

    /** Longest time a lazily requested commit waits for an append to ride along with. */
    static final long LAZY_DELAY_MILLIS = 100;
    /** Least time between two housekeeping rounds. */
    private static final long HOUSEKEEPING_INTERVAL = TimeUnit.SECONDS.toNanos(1);

    private final MVStore store;
    private final Runnable beforeCommit;
    private final LongSupplier lastWritten;
    private final BooleanSupplier housekeeping;
    private final Thread thread;
    private long lastHousekeeping = System.nanoTime();

    private final Object lock = new Object();
    private CompletableFuture<Void> next = new CompletableFuture<>();
    private boolean requested;
    private boolean lazy;
    private boolean closing;
    private Throwable failure;
    private volatile long durable;
    private long commits;

    /**
     * @param beforeCommit runs on the committer thread right before each commit (writes counters)
     * @param lastWritten the sequence of the last message whose map write has completed
     * @param housekeeping runs on the committer thread after a commit, at most once a second;
     *        returns whether it changed anything that needs committing
     */
    GroupCommitter(MVStore store, String name, Runnable beforeCommit, LongSupplier lastWritten,
            BooleanSupplier housekeeping) {
        this.store = store;
        this.beforeCommit = beforeCommit;
        this.lastWritten = lastWritten;
        this.housekeeping = housekeeping;
        this.durable = lastWritten.getAsLong();
        this.thread = new Thread(this::run, "hybridge-store-commit " + name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Completes when everything written before this call is on disk. */
    CompletableFuture<Void> request() {
        synchronized (lock) {
            if (failure != null) {
                return CompletableFuture.failedFuture(failure);
            }
            if (closing) {
                return CompletableFuture.failedFuture(new MessageStoreException("the message store is closing"));
            }
            requested = true;
            lock.notifyAll();
            return next;
        }
    }

    /**
     * Asks for a commit that nobody waits for (a deletion): it rides along with the next append's
     * commit, or happens after {@link #LAZY_DELAY_MILLIS} if no append comes. Keeps a busy
     * forwarder from costing an fsync per broker acknowledgement.
     */
    void requestLazily() {
        synchronized (lock) {
            if (!lazy) {
                lazy = true;
                lock.notifyAll();
            }
        }
    }

    /** Messages with a sequence up to this one are on disk. */
    long durableSequence() {
        return durable;
    }

    /** Number of commits (each one fsync), for tests and diagnostics. */
    long commits() {
        synchronized (lock) {
            return commits;
        }
    }

    /** Why the committer stopped, if it failed. */
    Throwable failure() {
        synchronized (lock) {
            return failure;
        }
    }

    private void run() {
        while (true) {
            CompletableFuture<Void> batch;
            synchronized (lock) {
                long waitingSince = System.nanoTime();
                while (!requested && !closing) {
                    long waitMillis = 0;
                    if (lazy) {
                        waitMillis = LAZY_DELAY_MILLIS - (System.nanoTime() - waitingSince) / 1_000_000;
                        if (waitMillis <= 0) {
                            break;
                        }
                    }
                    try {
                        lock.wait(waitMillis);
                    } catch (InterruptedException e) {
                        // only close() stops this thread; it does so through 'closing'
                    }
                }
                if (!requested && !lazy) {
                    return; // closing, nothing left to commit
                }
                requested = false;
                lazy = false;
                batch = next;
                next = new CompletableFuture<>();
            }
            // read before commit(): every map write that completed by now is part of this commit
            long written = lastWritten.getAsLong();
            try {
                beforeCommit.run();
                store.commit();
                store.sync();
                durable = written;
                synchronized (lock) {
                    commits++;
                }
                batch.complete(null);
                houseKeepIfDue();
            } catch (Throwable t) {
                LOG.error("Message store {}: commit failed; the store accepts no more messages until it is"
                        + " reopened. Messages not acknowledged to their publishers were not stored.",
                        store.getFileStore() == null ? "" : store.getFileStore().getFileName(), t);
                CompletableFuture<Void> pending;
                synchronized (lock) {
                    failure = new MessageStoreException("message store commit failed: " + t, t);
                    pending = next;
                }
                batch.completeExceptionally(failure);
                pending.completeExceptionally(failure);
                return;
            }
        }
    }

    /**
     * Housekeeping at most once a second, even under constant load: a backlog that builds during
     * a broker outage never leaves the committer idle, and it is exactly then that the file grows.
     */
    private void houseKeepIfDue() {
        synchronized (lock) {
            if (closing || System.nanoTime() - lastHousekeeping < HOUSEKEEPING_INTERVAL) {
                return;
            }
        }
        lastHousekeeping = System.nanoTime();
        if (housekeeping.getAsBoolean()) {
            requestLazily();
        }
    }

    /** Commits what is pending, then stops the thread. */
    @Override
    public void close() {
        synchronized (lock) {
            closing = true;
            lock.notifyAll();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
