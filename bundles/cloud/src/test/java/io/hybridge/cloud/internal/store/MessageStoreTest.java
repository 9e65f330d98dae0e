package io.hybridge.cloud.internal.store;

import static io.hybridge.cloud.internal.store.OutgoingMessage.ALERT;
import static io.hybridge.cloud.internal.store.OutgoingMessage.LIFECYCLE;
import static io.hybridge.cloud.internal.store.OutgoingMessage.LOWEST;
import static io.hybridge.cloud.internal.store.OutgoingMessage.REPLY;
import static io.hybridge.cloud.internal.store.OutgoingMessage.TELEMETRY;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageStoreTest {

    private static final Instant T0 = Instant.parse("2024-05-01T12:00:00Z");
    private static final StoreLimits ROOMY = new StoreLimits(10_000, 10_000_000, OverflowPolicy.REFUSE_NEW);

    @TempDir
    Path dir;

    private final List<MessageStore> opened = new ArrayList<>();

    @AfterEach
    void closeStores() {
        opened.forEach(MessageStore::close);
    }

    private MessageStore open(StoreLimits limits) {
        MessageStore store = MessageStore.open(dir.resolve("queue.mv"), limits,
                Clock.fixed(T0.plusSeconds(60), ZoneOffset.UTC));
        opened.add(store);
        return store;
    }

    private static OutgoingMessage message(String topic, int priority) {
        return new OutgoingMessage(topic, topic.getBytes(UTF_8), 1, false, priority, T0);
    }

    private static List<String> topics(List<StoredMessage> messages) {
        return messages.stream().map(m -> m.message().topic()).toList();
    }

    /** Size of the record of {@link #message(String, int)}, as the limits count it. */
    private static int size(String topic) {
        return MessageCodec.encode(message(topic, 0)).length;
    }

    @Nested
    class Order {

        @Test
        void deliversByPriorityThenInAppendOrder() throws Exception {
            MessageStore store = open(ROOMY);
            store.append(message("t1", TELEMETRY));
            store.append(message("r1", REPLY));
            store.append(message("t2", TELEMETRY));
            store.append(message("birth", LIFECYCLE));
            store.append(message("a1", ALERT));
            store.append(message("r2", REPLY));

            assertThat(topics(store.peek(100))).containsExactly("birth", "r1", "r2", "a1", "t1", "t2");
            assertThat(topics(store.peek(2))).containsExactly("birth", "r1");
        }

        @Test
        void sequencesGrowAcrossPriorities() throws Exception {
            MessageStore store = open(ROOMY);
            StoredMessage first = store.append(message("t", TELEMETRY));
            StoredMessage second = store.append(message("b", LIFECYCLE));
            assertThat(second.sequence()).isGreaterThan(first.sequence());
            assertThat(second.id()).as("ids order by delivery").isLessThan(first.id());
        }

        @Test
        void inFlightMessagesAreSkippedAndComeBackInPlaceAfterRelease() throws Exception {
            MessageStore store = open(ROOMY);
            for (String t : List.of("m1", "m2", "m3", "m4")) {
                store.append(message(t, TELEMETRY));
            }
            List<StoredMessage> sent = store.peek(2);
            sent.forEach(m -> assertThat(store.markInFlight(m.id())).isTrue());
            assertThat(topics(store.peek(10))).containsExactly("m3", "m4");
            store.append(message("birth", LIFECYCLE));

            store.releaseInFlight();

            assertThat(topics(store.peek(10))).containsExactly("birth", "m1", "m2", "m3", "m4");
            assertThat(store.stats().inFlight()).isZero();
        }

        @Test
        void acknowledgedMessagesAreDeleted() throws Exception {
            MessageStore store = open(ROOMY);
            StoredMessage m1 = store.append(message("m1", TELEMETRY));
            store.append(message("m2", TELEMETRY));
            store.markInFlight(m1.id());

            assertThat(store.acknowledged(m1.id())).isTrue();
            assertThat(store.acknowledged(m1.id())).as("second ack").isFalse();
            assertThat(store.markInFlight(m1.id())).isFalse();

            assertThat(topics(store.peek(10))).containsExactly("m2");
            assertThat(store.stats().messages()).isEqualTo(1);
            assertThat(store.stats().inFlight()).isZero();
        }

        @Test
        void messageComesBackIntact() throws Exception {
            MessageStore store = open(ROOMY);
            OutgoingMessage sent = new OutgoingMessage("$EDC/acme/gw-1/MQTT/BIRTH", new byte[] {0, 1, -1, 42}, 2,
                    true, LIFECYCLE, T0);
            StoredMessage stored = store.append(sent);
            assertThat(store.peek(1)).containsExactly(stored);
            assertThat(store.peek(1).get(0).message()).isEqualTo(sent);
        }
    }

    @Nested
    class Limits {

        @Test
        void refuseNewKeepsWhatIsQueuedAndNamesTheLimit() throws Exception {
            MessageStore store = open(new StoreLimits(2, 1_000_000, OverflowPolicy.REFUSE_NEW));
            store.append(message("t1", TELEMETRY));
            store.append(message("t2", TELEMETRY));

            assertThatThrownBy(() -> store.append(message("b", LIFECYCLE)))
                    .isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("2 of maxMessages=2")
                    .hasMessageContaining("topic b")
                    .hasMessageContaining("REFUSE_NEW");

            assertThat(topics(store.peek(10))).containsExactly("t1", "t2");
            assertThat(store.stats().refused()).isEqualTo(1);
            assertThat(store.stats().dropped()).isZero();
        }

        @Test
        void byteLimitCountsRecordSize() throws Exception {
            MessageStore store = open(new StoreLimits(100, 2L * size("t1") + 1, OverflowPolicy.REFUSE_NEW));
            store.append(message("t1", TELEMETRY));
            store.append(message("t2", TELEMETRY));
            assertThat(store.stats().bytes()).isEqualTo(2L * size("t1"));

            assertThatThrownBy(() -> store.append(message("t3", TELEMETRY)))
                    .isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("maxBytes=" + (2 * size("t1") + 1));
        }

        @Test
        void messageLargerThanTheStoreIsRefusedUnderEitherPolicy() throws Exception {
            MessageStore store = open(new StoreLimits(100, 10, OverflowPolicy.DROP_OLDEST_LOWEST_PRIORITY));
            assertThatThrownBy(() -> store.append(message("too-big", LIFECYCLE)))
                    .isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("larger than maxBytes=10");
            assertThat(store.stats().dropped()).isZero();
        }

        @Test
        void dropOldestTakesFromTheLeastUrgentPriorityFirst() throws Exception {
            MessageStore store = open(new StoreLimits(4, 1_000_000, OverflowPolicy.DROP_OLDEST_LOWEST_PRIORITY));
            store.append(message("a1", ALERT));
            store.append(message("t1", TELEMETRY));
            store.append(message("t2", TELEMETRY));
            store.append(message("x1", LOWEST));

            store.append(message("t3", TELEMETRY));
            assertThat(topics(store.peek(10))).containsExactly("a1", "t1", "t2", "t3");

            store.append(message("t4", TELEMETRY));
            assertThat(topics(store.peek(10))).as("oldest of the same priority goes").containsExactly("a1", "t2", "t3",
                    "t4");

            store.append(message("b", LIFECYCLE));
            assertThat(topics(store.peek(10))).containsExactly("b", "a1", "t3", "t4");

            StoreStats stats = store.stats();
            assertThat(stats.dropped()).isEqualTo(3);
            assertThat(stats.byPriority().get(LOWEST)).isEqualTo(new StoreStats.PriorityStats(0, 0, 1));
            assertThat(stats.byPriority().get(TELEMETRY).dropped()).isEqualTo(2);
            assertThat(stats.refused()).isZero();
        }

        @Test
        void dropOldestNeverDropsAMoreUrgentMessage() throws Exception {
            MessageStore store = open(new StoreLimits(2, 1_000_000, OverflowPolicy.DROP_OLDEST_LOWEST_PRIORITY));
            store.append(message("b", LIFECYCLE));
            store.append(message("r", REPLY));

            assertThatThrownBy(() -> store.append(message("t", TELEMETRY)))
                    .isInstanceOf(StoreFullException.class)
                    .hasMessageContaining("more urgent than priority " + TELEMETRY);
            assertThat(topics(store.peek(10))).containsExactly("b", "r");
            assertThat(store.stats().refused()).isEqualTo(1);
            assertThat(store.stats().dropped()).isZero();
        }

        @Test
        void dropOldestLeavesInFlightMessagesAlone() throws Exception {
            MessageStore store = open(new StoreLimits(2, 1_000_000, OverflowPolicy.DROP_OLDEST_LOWEST_PRIORITY));
            StoredMessage t1 = store.append(message("t1", TELEMETRY));
            store.append(message("t2", TELEMETRY));
            store.markInFlight(t1.id());

            store.append(message("t3", TELEMETRY));

            store.releaseInFlight();
            assertThat(topics(store.peek(10))).containsExactly("t1", "t3");
        }

        @Test
        void dropOldestDropsNothingWhenItCannotMakeEnoughRoom() throws Exception {
            int small = size("t1");
            // room for two small records; the new one needs both gone, but one of them is more urgent
            MessageStore store = open(new StoreLimits(100, 2L * small, OverflowPolicy.DROP_OLDEST_LOWEST_PRIORITY));
            store.append(message("b1", LIFECYCLE));
            store.append(message("t1", TELEMETRY));
            OutgoingMessage big = new OutgoingMessage("t2", new byte[small + 1], 1, false, TELEMETRY, T0);

            assertThatThrownBy(() -> store.append(big)).isInstanceOf(StoreFullException.class);
            assertThat(topics(store.peek(10))).containsExactly("b1", "t1");
            assertThat(store.stats().dropped()).isZero();
        }

        @Test
        void countersSurviveARestart() throws Exception {
            StoreLimits limits = new StoreLimits(1, 1_000_000, OverflowPolicy.DROP_OLDEST_LOWEST_PRIORITY);
            MessageStore store = open(limits);
            store.append(message("t1", TELEMETRY));
            store.append(message("t2", TELEMETRY));
            assertThatThrownBy(() -> store.append(message("x", LOWEST))).isInstanceOf(StoreFullException.class);
            store.close();

            StoreStats stats = open(limits).stats();
            assertThat(stats.dropped()).isEqualTo(1);
            assertThat(stats.refused()).isEqualTo(1);
            assertThat(stats.messages()).isEqualTo(1);
        }
    }

    @Nested
    class Statistics {

        @Test
        void reportsUsagePerPriorityAndTheOldestAge() throws Exception {
            MessageStore store = open(ROOMY);
            store.append(new OutgoingMessage("t1", new byte[10], 1, false, TELEMETRY, T0.plusSeconds(20)));
            store.append(new OutgoingMessage("r1", new byte[5], 1, false, REPLY, T0.plusSeconds(30)));
            store.append(new OutgoingMessage("t2", new byte[10], 1, false, TELEMETRY, T0.plusSeconds(40)));
            store.markInFlight(store.peek(1).get(0).id());

            StoreStats stats = store.stats();
            int t = MessageCodec.encode(new OutgoingMessage("t1", new byte[10], 1, false, TELEMETRY, T0)).length;
            int r = MessageCodec.encode(new OutgoingMessage("r1", new byte[5], 1, false, REPLY, T0)).length;
            assertThat(stats.messages()).isEqualTo(3);
            assertThat(stats.bytes()).isEqualTo(2L * t + r);
            assertThat(stats.inFlight()).isEqualTo(1);
            assertThat(stats.byPriority()).containsOnlyKeys(REPLY, TELEMETRY);
            assertThat(stats.byPriority().get(TELEMETRY)).isEqualTo(new StoreStats.PriorityStats(2, 2L * t, 0));
            assertThat(stats.oldestAge()).as("clock is at T0 + 60 s").contains(Duration.ofSeconds(40));
            assertThat(stats.quarantinedFile()).isEmpty();
        }

        @Test
        void emptyStoreHasNoOldestAge() {
            assertThat(open(ROOMY).stats().oldestAge()).isEmpty();
        }
    }

    @Nested
    class Durability {

        @Test
        void messagesSurviveCloseAndReopenInOrder() throws Exception {
            MessageStore store = open(ROOMY);
            List<StoredMessage> appended = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                appended.add(store.append(message("m" + i, i % 3 == 0 ? REPLY : TELEMETRY)));
            }
            StoredMessage acked = store.peek(1).get(0);
            store.acknowledged(acked.id());
            store.close();

            MessageStore reopened = open(ROOMY);
            List<StoredMessage> expected = new ArrayList<>(appended);
            expected.remove(acked);
            expected.sort((a, b) -> Long.compare(a.id(), b.id()));
            assertThat(reopened.peek(1000)).containsExactlyElementsOf(expected);
            assertThat(reopened.stats().messages()).isEqualTo(49);
        }

        @Test
        void sequenceIsNotReusedAfterTheStoreEmpties() throws Exception {
            MessageStore store = open(ROOMY);
            StoredMessage first = store.append(message("m", TELEMETRY));
            store.acknowledged(first.id());
            store.close();

            StoredMessage next = open(ROOMY).append(message("m", TELEMETRY));
            assertThat(next.sequence()).isGreaterThan(first.sequence());
        }

        @Test
        void concurrentAppendersShareCommitsAndAllGetDurableAcks() throws Exception {
            MessageStore store = open(ROOMY);
            int threads = 8;
            int perThread = 200;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Callable<List<StoredMessage>>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String producer = "p" + t;
                work.add(() -> {
                    List<StoredMessage> mine = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        mine.add(store.append(message(producer + "/" + i, i % 2 == 0 ? TELEMETRY : REPLY)));
                    }
                    return mine;
                });
            }
            List<StoredMessage> acked = Collections.synchronizedList(new ArrayList<>());
            try {
                for (Future<List<StoredMessage>> f : pool.invokeAll(work, 2, TimeUnit.MINUTES)) {
                    acked.addAll(f.get());
                }
            } finally {
                pool.shutdownNow();
            }
            long commits = store.commits();
            store.close();

            assertThat(acked).hasSize(threads * perThread);
            assertThat(commits).as("appends were batched").isLessThan(threads * perThread);
            List<StoredMessage> reopened = open(ROOMY).peek(Integer.MAX_VALUE);
            assertThat(reopened).containsExactlyInAnyOrderElementsOf(acked);
            ProducerOrder.assertFifoPerProducerAndPriority(reopened);
        }
    }

    @Nested
    class Opening {

        @Test
        void corruptFileIsMovedAsideAndReported() throws IOException {
            Path file = dir.resolve("queue.mv");
            byte[] garbage = new byte[64 * 1024];
            new java.util.Random(1).nextBytes(garbage);
            Files.write(file, garbage);

            MessageStore store = open(ROOMY);

            Path aside = store.stats().quarantinedFile().orElseThrow();
            assertThat(aside.getFileName().toString()).startsWith("queue.mv.corrupt-20240501T120100Z");
            assertThat(Files.readAllBytes(aside)).isEqualTo(garbage);
            assertThat(store.stats().messages()).isZero();
        }

        @Test
        void truncatedFileRecoversTheLastCompleteCommitOrIsMovedAside() throws Exception {
            MessageStore store = open(ROOMY);
            for (int i = 0; i < 20; i++) {
                store.append(message("m" + i, TELEMETRY));
            }
            store.close();
            Path file = dir.resolve("queue.mv");
            byte[] whole = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 100));

            StoreStats stats = open(ROOMY).stats();
            // either MVStore falls back to an earlier commit, or the file is kept aside: never a silent loss
            assertThat(stats.messages() > 0 || stats.quarantinedFile().isPresent()).isTrue();
        }

        @Test
        void fileInUseIsNotTouched() throws Exception {
            MessageStore first = open(ROOMY);
            first.append(message("m", TELEMETRY));

            assertThatThrownBy(() -> MessageStore.open(dir.resolve("queue.mv"), ROOMY))
                    .isInstanceOf(MessageStoreException.class)
                    .hasMessageContaining("in use");
            assertThat(first.peek(10)).hasSize(1);
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("queue.mv");
            }
        }

        @Test
        void closedStoreRefusesWork() {
            MessageStore store = open(ROOMY);
            store.close();
            assertThatThrownBy(() -> store.append(message("m", TELEMETRY)))
                    .isInstanceOf(MessageStoreException.class)
                    .hasMessageContaining("closed");
        }
    }
}
