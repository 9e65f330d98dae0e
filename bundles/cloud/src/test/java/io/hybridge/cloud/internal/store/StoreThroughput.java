package io.hybridge.cloud.internal.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rough throughput of durable appends (not a test: timings depend on the disk). Run with the
 * test class path: {@code java -cp ... io.hybridge.cloud.internal.store.StoreThroughput [dir] [seconds]}.
 *
 * <p>Prints messages/s for 1 and 8 appenders with 200-byte payloads, each append acknowledged
 * only after commit + fsync, with the broker connected (a forwarder deletes messages as they
 * come; the file size shows that freed space is reused) and with the broker down (backlog).
 */
public final class StoreThroughput {

    private static final StoreLimits LIMITS = new StoreLimits(10_000_000, 1L << 32, OverflowPolicy.REFUSE_NEW);

    private StoreThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("store-throughput");
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        for (boolean forwarding : new boolean[] {true, false}) {
            System.out.println(forwarding ? "Broker connected (a forwarder deletes what is appended):"
                    : "Broker down (the backlog grows):");
            for (int appenders : new int[] {1, 8}) {
                run(dir.resolve("queue-" + appenders + ".mv"), appenders, seconds, forwarding);
            }
        }
    }

    private static void run(Path file, int appenders, int seconds, boolean forwarding) throws Exception {
        Files.deleteIfExists(file);
        AtomicLong appended = new AtomicLong();
        AtomicLong forwarded = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        try (MessageStore store = MessageStore.open(file, LIMITS)) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < appenders; t++) {
                threads.add(new Thread(() -> {
                    byte[] payload = new byte[200];
                    while (System.nanoTime() < end) {
                        try {
                            store.append(new OutgoingMessage("telemetry/throughput", payload, 1, false,
                                    OutgoingMessage.TELEMETRY, Instant.now()));
                        } catch (StoreFullException e) {
                            throw new IllegalStateException(e);
                        }
                        appended.incrementAndGet();
                    }
                }));
            }
            // a forwarder that deletes what was appended, as a connected cloud link would
            Thread forwarder = new Thread(() -> {
                while (System.nanoTime() < end) {
                    for (StoredMessage m : store.peek(100)) {
                        store.acknowledged(m.id());
                        forwarded.incrementAndGet();
                    }
                }
            });
            if (forwarding) {
                threads.add(forwarder);
            }
            long start = System.nanoTime();
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            System.out.printf("  %d appender(s): %,.0f durable appends/s (%,d in %.1f s, %,d commits = %.1f per commit),"
                    + " %,d forwarded, %,d left, file %,d KiB%n", appenders, appended.get() / elapsed, appended.get(),
                    elapsed, store.commits(), (double) appended.get() / Math.max(1, store.commits()), forwarded.get(),
                    store.stats().messages(), Files.size(file) / 1024);
            System.out.println("    " + store.diagnostics());
        }
        System.out.printf("    after close: file %,d KiB%n", Files.size(file) / 1024);
    }
}
