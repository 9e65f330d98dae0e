package io.hybridge.cloud.internal.store;

import static io.hybridge.cloud.internal.store.OutgoingMessage.LOWEST;
import static io.hybridge.cloud.internal.store.OutgoingMessage.REPLY;
import static io.hybridge.cloud.internal.store.OutgoingMessage.TELEMETRY;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Child process of {@link MessageStoreCrashTest}: appends and forwards messages until it is
 * killed, and reports on stdout what a publisher and the broker were told:
 * {@code ACK <id>} once an append returned (the publisher would be acknowledged) and
 * {@code INFLIGHT <id>} once a message was handed to the "broker", which then acknowledges it at
 * once (so the store deletes it).
 *
 * <p>Arguments: store file, number of appender threads, name of this run (goes in the topics).
 */
public final class CrashingAppender {

    private static final int[] PRIORITIES = {TELEMETRY, REPLY, LOWEST};

    private CrashingAppender() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int threads = Integer.parseInt(args[1]);
        String run = args[2];
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false, "UTF-8");
        MessageStore store = MessageStore.open(file, new StoreLimits(1_000_000, 1L << 30, OverflowPolicy.REFUSE_NEW));
        for (int t = 0; t < threads; t++) {
            String producer = run + "-p" + t;
            Thread appender = new Thread(() -> {
                byte[] payload = new byte[200];
                for (int n = 0;; n++) {
                    OutgoingMessage m = new OutgoingMessage(producer + "/" + n, payload, 1, false,
                            PRIORITIES[n % PRIORITIES.length], Instant.now());
                    try {
                        StoredMessage stored = store.append(m);
                        report(out, "ACK " + stored.id());
                    } catch (StoreFullException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }, producer);
            appender.start();
        }
        // a forwarder: takes the head of the queue and "delivers" it, as the cloud link will
        while (true) {
            List<StoredMessage> next = store.peek(10);
            for (StoredMessage m : next) {
                store.markInFlight(m.id());
                // reported before the broker's ack is applied: from here on the deletion may reach
                // the disk (with any later commit) before this process gets to say so
                report(out, "INFLIGHT " + m.id());
            }
            for (StoredMessage m : next) {
                store.acknowledged(m.id());
            }
            Thread.onSpinWait();
        }
    }

    private static void report(PrintStream out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }
}
