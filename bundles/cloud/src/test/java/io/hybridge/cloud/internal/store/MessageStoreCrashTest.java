package io.hybridge.cloud.internal.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that is appending (SIGKILL, no shutdown hooks, no close) and checks that every
 * message whose append had returned is still in the store, in order. Three crash/restart rounds
 * on the same file, so recovery of an already recovered file is covered too.
 */
class MessageStoreCrashTest {

    private static final StoreLimits LIMITS = new StoreLimits(1_000_000, 1L << 30, OverflowPolicy.REFUSE_NEW);

    @TempDir
    Path dir;

    @Test
    void noAcknowledgedMessageIsLostWhenTheProcessIsKilled() throws Exception {
        Path file = dir.resolve("queue.mv");
        Set<Long> pending = new HashSet<>();
        for (int[] round : new int[][] {{1, 300}, {4, 2_000}, {8, 5_000}}) {
            int threads = round[0];
            int killAfter = round[1];
            Child child = runUntilAcks(file, threads, killAfter, "r" + threads);
            pending.addAll(child.acked);
            // handed to the broker: delivered, so it may be gone or (at-least-once) still there
            pending.removeAll(child.inFlight);

            List<StoredMessage> recovered;
            try (MessageStore store = MessageStore.open(file, LIMITS)) {
                assertThat(store.stats().quarantinedFile()).isEmpty();
                recovered = store.peek(Integer.MAX_VALUE);
            }
            Set<Long> ids = new HashSet<>();
            recovered.forEach(m -> ids.add(m.id()));
            assertThat(child.acked).as("acknowledged before the kill").hasSizeGreaterThanOrEqualTo(killAfter);
            assertThat(ids).as("every acknowledged and not yet delivered message survives the kill")
                    .containsAll(pending);
            ProducerOrder.assertFifoPerProducerAndPriority(recovered);
            // what survives is the truth for the next round (duplicates of delivered ones are allowed)
            pending.clear();
            pending.addAll(ids);
        }
    }

    private record Child(Set<Long> acked, Set<Long> inFlight) {
    }

    private Child runUntilAcks(Path file, int threads, int killAfter, String run) throws Exception {
        Path stderr = dir.resolve(run + ".stderr");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), CrashingAppender.class.getName(), file.toString(),
                Integer.toString(threads), run)
                .redirectError(stderr.toFile())
                .start();
        Set<Long> acked = new HashSet<>();
        Set<Long> inFlight = new HashSet<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
            String line;
            while (acked.size() < killAfter && (line = lines.readLine()) != null) {
                record(line, acked, inFlight);
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            // SIGKILL through the handle: Process.destroyForcibly() would also close our end of the
            // pipe, and the acks still in it would go unchecked
            process.toHandle().destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("child ended").isTrue();
            // whatever the child printed before it died was acknowledged too (each line is one
            // write(2) of less than PIPE_BUF bytes, so no line arrives cut)
            while ((line = lines.readLine()) != null) {
                record(line, acked, inFlight);
            }
        } finally {
            process.destroyForcibly();
        }
        assertThat(acked.size()).as("acks before the deadline; child stderr: %s", readQuietly(stderr))
                .isGreaterThanOrEqualTo(killAfter);
        assertThat(process.exitValue()).as("killed by SIGKILL").isEqualTo(137);
        return new Child(acked, inFlight);
    }

    private static void record(String line, Set<Long> acked, Set<Long> inFlight) {
        if (line.startsWith("ACK ")) {
            acked.add(Long.parseLong(line.substring(4)));
        } else if (line.startsWith("INFLIGHT ")) {
            inFlight.add(Long.parseLong(line.substring(9)));
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }
}
