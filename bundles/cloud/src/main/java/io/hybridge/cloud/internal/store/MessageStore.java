package io.hybridge.cloud.internal.store;

import static io.hybridge.cloud.internal.store.OutgoingMessage.LIFECYCLE;
import static io.hybridge.cloud.internal.store.OutgoingMessage.LOWEST;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store-and-forward queue: messages waiting for the cloud broker, on disk in one MVStore file.
 *
 * <p><b>Delivery guarantee (at-least-once).</b> When {@link #append} returns (or the future of
 * {@link #appendAsync} completes normally) the message is committed to the store file and the
 * file is fsync'ed; only then may the publisher be acknowledged. From then on the message stays
 * in the store until {@link #acknowledged} is called for it (the broker acknowledged it), until
 * the overflow policy {@link OverflowPolicy#DROP_OLDEST_LOWEST_PRIORITY} drops it (counted in
 * {@link StoreStats#dropped()} and logged), or until the store file is found corrupt on opening
 * (moved aside, never deleted; see {@link StoreStats#quarantinedFile()}). Broker outages, gateway
 * restarts and crashes of the process (kill -9) lose no acknowledged message; power loss loses
 * none either, as far as the disk honours fsync. Duplicates arise only after an unclean
 * end (crash, power loss, commit failure) and only for messages that had been handed to the
 * broker but whose deletion had not yet been committed: those in flight at the time, plus those
 * the broker acknowledged in the last {@value GroupCommitter#LAZY_DELAY_MILLIS} ms (deletions are
 * committed lazily, riding along with appends). A clean {@link #close()} commits every
 * acknowledgement, so a normal restart re-sends nothing that the broker acknowledged.
 * Order: {@link #peek} offers messages by priority (0 first) and in append order within a
 * priority, also after {@link #releaseInFlight} and after a restart. With more than one message
 * in flight, a message re-sent after a reconnect can reach the broker after a later one of the
 * same priority that the broker had already acknowledged; a window of one keeps strict FIFO.
 *
 * <p>Only appends whose message is already on disk are offered by {@link #peek}, so the cloud
 * never receives a message before its publisher could have been told it is stored.
 *
 * <p>Thread-safe. Map changes happen under this object's monitor (they are in-memory operations);
 * the fsync happens outside it, on the {@link GroupCommitter} thread, for whole batches.
 */
public final class MessageStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MessageStore.class);

    private static final String MESSAGES = "messages";
    private static final String COUNTERS = "counters";
    private static final String NEXT_SEQUENCE = "nextSequence";
    private static final String REFUSED = "refused";
    private static final String DROPPED = "dropped.";
    private static final long OVERFLOW_WARNING_INTERVAL = TimeUnit.MINUTES.toNanos(1);
    /** Chunks less full than this (percent) are rewritten by {@link #compactSome()}. */
    private static final int COMPACT_FILL_RATE = 50;
    /**
     * Live bytes rewritten per round (once a second). Small on purpose: the rewrite delays the
     * next commit, i.e. every publisher waiting for its fsync; 4 MiB cost 20-80 ms stalls. A
     * FIFO queue mostly frees whole chunks without rewriting them, so little is ever needed.
     */
    private static final int COMPACT_WRITE_BYTES = 1 << 20;

    private final Path file;
    private final StoreLimits limits;
    private final Clock clock;
    private final Optional<Path> quarantinedFile;
    private final MVStore mvStore;
    private final MVMap<Long, byte[]> messages;
    private final MVMap<String, Long> counters;
    private final GroupCommitter committer;

    // guarded by this
    private final long[] count = new long[LOWEST + 1];
    private final long[] bytes = new long[LOWEST + 1];
    private final long[] dropped = new long[LOWEST + 1];
    private long totalCount;
    private long totalBytes;
    private long refused;
    private long nextSequence;
    private final Set<Long> inFlight = new HashSet<>();
    private boolean closed;
    private long lastOverflowWarning;
    private long overflowsSinceWarning;

    /** The sequence of the last message whose map write completed; read by the committer. */
    private volatile long lastWritten;

    private MessageStore(Path file, StoreLimits limits, Clock clock, Optional<Path> quarantinedFile) {
        this.file = file;
        this.limits = limits;
        this.clock = clock;
        this.quarantinedFile = quarantinedFile;
        this.mvStore = openFile(file);
        try {
            messages = mvStore.openMap(MESSAGES,
                    new MVMap.Builder<Long, byte[]>().keyType(LongDataType.INSTANCE)
                            .valueType(ByteArrayDataType.INSTANCE));
            counters = mvStore.openMap(COUNTERS);
            load();
        } catch (RuntimeException | Error e) {
            mvStore.closeImmediately();
            throw classify(file, e);
        }
        this.committer = new GroupCommitter(mvStore, file.getFileName().toString(), this::writeCounters,
                () -> lastWritten, this::compactSome);
    }

    /**
     * Opens (or creates) the store file. A file that is corrupt is moved aside to
     * {@code <name>.corrupt-<UTC time>}, never deleted; the store then starts empty, logs an error
     * and reports the move in {@link StoreStats#quarantinedFile()}.
     *
     * @throws MessageStoreException if the file cannot be opened, for example because another
     *         process holds it
     */
    public static MessageStore open(Path file, StoreLimits limits) {
        return open(file, limits, Clock.systemUTC());
    }

    static MessageStore open(Path file, StoreLimits limits, Clock clock) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (IOException e) {
            throw new MessageStoreException("cannot create the directory of message store " + file + ": " + e, e);
        }
        try {
            return new MessageStore(file, limits, clock, Optional.empty());
        } catch (CorruptStoreException e) {
            Path aside = Quarantine.moveAside(file, clock);
            LOG.error("Message store {} is corrupt and was moved to {}; starting with an EMPTY store. The messages"
                    + " it held have NOT been delivered. Inspect or salvage them with"
                    + " 'java -cp h2-mvstore.jar org.h2.mvstore.MVStoreTool -dump {}'. Cause: {}",
                    file, aside, aside, e.getMessage(), e);
            return new MessageStore(file, limits, clock, Optional.of(aside));
        }
    }

    private static MVStore openFile(Path file) {
        try {
            // auto-commit off: the GroupCommitter alone decides when data reaches the disk
            MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
            // MVStore keeps dead chunks for 45 s by default, in case the disk has not flushed them
            // yet; every commit here is fsync'ed, and a queue commits hundreds of small chunks a
            // second, so keeping them would grow the file to hundreds of MB. Safe because every map
            // access holds the MessageStore monitor: no reader is ever on an older version.
            store.setRetentionTime(0);
            return store;
        } catch (RuntimeException e) {
            throw classify(file, e);
        }
    }

    /** Tells corruption (move the file aside) from everything else (fail, keep the file). */
    private static RuntimeException classify(Path file, Throwable e) {
        if (e instanceof CorruptStoreException c) {
            return c;
        }
        if (e instanceof MessageCodec.CorruptRecordException) {
            return new CorruptStoreException(e.getMessage(), e);
        }
        if (e instanceof MVStoreException m) {
            switch (m.getErrorCode()) {
                case org.h2.mvstore.DataUtils.ERROR_FILE_CORRUPT,
                        org.h2.mvstore.DataUtils.ERROR_CHUNK_NOT_FOUND,
                        org.h2.mvstore.DataUtils.ERROR_BLOCK_NOT_FOUND,
                        org.h2.mvstore.DataUtils.ERROR_UNSUPPORTED_FORMAT:
                    return new CorruptStoreException(m.getMessage(), m);
                case org.h2.mvstore.DataUtils.ERROR_FILE_LOCKED:
                    return new MessageStoreException("message store " + file
                            + " is in use by another process (or another store in this one); only one may own it", m);
                default:
                    return new MessageStoreException("cannot open message store " + file + ": " + m.getMessage(), m);
            }
        }
        return new MessageStoreException("cannot open message store " + file + ": " + e, e);
    }

    /** Rebuilds the in-memory accounting; reads (and so checks) every record. */
    private void load() {
        long maxSequence = 0;
        for (Cursor<Long, byte[]> c = messages.cursor(null); c.hasNext();) {
            long key = c.next();
            byte[] record = c.getValue();
            int priority = MessageKey.priority(key);
            if (priority > LOWEST) {
                throw new CorruptStoreException("message key " + key + " has priority " + priority, null);
            }
            MessageCodec.decode(key, record);
            count[priority]++;
            bytes[priority] += record.length;
            maxSequence = Math.max(maxSequence, MessageKey.sequence(key));
        }
        for (int p = LIFECYCLE; p <= LOWEST; p++) {
            totalCount += count[p];
            totalBytes += bytes[p];
            dropped[p] = counters.getOrDefault(DROPPED + p, 0L);
        }
        refused = counters.getOrDefault(REFUSED, 0L);
        nextSequence = Math.max(counters.getOrDefault(NEXT_SEQUENCE, 1L), maxSequence + 1);
        lastWritten = nextSequence - 1;
        if (totalCount > 0) {
            LOG.info("Message store {}: {} messages ({} bytes) waiting from before", file, totalCount, totalBytes);
        }
    }

    /**
     * Stores a message; see the class comment for what a normal return guarantees.
     *
     * @throws StoreFullException if the message does not fit and the policy does not make room
     * @throws MessageStoreException if the message could not be made durable; it counts as not stored
     */
    public StoredMessage append(OutgoingMessage message) throws StoreFullException {
        CompletableFuture<StoredMessage> durable = appendAsync(message);
        try {
            return durable.get();
        } catch (ExecutionException e) {
            throw new MessageStoreException("message for topic " + message.topic() + " was not stored: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MessageStoreException("interrupted while waiting for the message for topic "
                    + message.topic() + " to reach the disk; it counts as not stored", e);
        }
    }

    /**
     * Stores a message without blocking: the limits are checked at once, the future completes once
     * the message is on disk (or exceptionally with a {@link MessageStoreException}).
     *
     * @throws StoreFullException if the message does not fit and the policy does not make room
     */
    public CompletableFuture<StoredMessage> appendAsync(OutgoingMessage message) throws StoreFullException {
        byte[] record = MessageCodec.encode(message);
        long key;
        CompletableFuture<Void> commit;
        synchronized (this) {
            checkUsable();
            admit(message, record.length);
            long sequence = nextSequence++;
            key = MessageKey.of(message.priority(), sequence);
            messages.put(key, record);
            count[message.priority()]++;
            bytes[message.priority()] += record.length;
            totalCount++;
            totalBytes += record.length;
            lastWritten = sequence;
            commit = committer.request();
        }
        StoredMessage stored = new StoredMessage(key, message);
        return commit.thenApply(done -> stored);
    }

    /**
     * The next messages to send, in delivery order, leaving out those in flight. Does not change
     * the store; call {@link #markInFlight} for each message actually handed to the broker.
     */
    public synchronized List<StoredMessage> peek(int max) {
        checkOpen();
        List<StoredMessage> next = new ArrayList<>(Math.min(max, 256));
        long durable = committer.durableSequence();
        for (Cursor<Long, byte[]> c = messages.cursor(null); c.hasNext() && next.size() < max;) {
            long key = c.next();
            if (!inFlight.contains(key) && MessageKey.sequence(key) <= durable) {
                next.add(new StoredMessage(key, MessageCodec.decode(key, c.getValue())));
            }
        }
        return next;
    }

    /** Records that the message was handed to the broker; {@code false} if it is no longer stored. */
    public synchronized boolean markInFlight(long id) {
        checkOpen();
        if (!messages.containsKey(id)) {
            return false;
        }
        inFlight.add(id);
        return true;
    }

    /**
     * The broker acknowledged the message: delete it. The deletion reaches the disk with the next
     * commit; if the process dies before, the message is sent once more after the restart.
     *
     * @return {@code false} if the message was no longer stored (for example dropped to make room)
     */
    public boolean acknowledged(long id) {
        synchronized (this) {
            checkOpen();
            inFlight.remove(id);
            byte[] record = messages.remove(id);
            if (record == null) {
                return false;
            }
            forget(MessageKey.priority(id), record.length);
            committer.requestLazily();
            return true;
        }
    }

    /** The message could not be handed over after all (the client's window was full): offer it again. */
    public synchronized void releaseInFlight(long id) {
        inFlight.remove(id);
    }

    /**
     * The connection to the broker is gone: every in-flight message becomes pending again and will
     * be offered by {@link #peek} in its original place.
     */
    public synchronized void releaseInFlight() {
        inFlight.clear();
    }

    public synchronized StoreStats stats() {
        SortedMap<Integer, StoreStats.PriorityStats> byPriority = new TreeMap<>();
        Instant oldest = null;
        long droppedTotal = 0;
        for (int p = LIFECYCLE; p <= LOWEST; p++) {
            droppedTotal += dropped[p];
            if (count[p] > 0 || dropped[p] > 0) {
                byPriority.put(p, new StoreStats.PriorityStats(count[p], bytes[p], dropped[p]));
            }
            if (count[p] > 0 && !closed) {
                Long first = messages.ceilingKey(MessageKey.first(p));
                Instant createdAt = MessageCodec.createdAt(messages.get(first));
                oldest = oldest == null || createdAt.isBefore(oldest) ? createdAt : oldest;
            }
        }
        Optional<Duration> oldestAge = Optional.ofNullable(oldest)
                .map(o -> Duration.between(o, clock.instant()))
                .map(d -> d.isNegative() ? Duration.ZERO : d);
        return new StoreStats(totalCount, totalBytes, inFlight.size(), byPriority, droppedTotal, refused, oldestAge,
                quarantinedFile);
    }

    public Path file() {
        return file;
    }

    public StoreLimits limits() {
        return limits;
    }

    /** Number of commits (fsyncs) so far; shows how well appends are batched. */
    long commits() {
        return committer.commits();
    }

    /** File-level figures for diagnostics: size and how much of it is live data. */
    synchronized String diagnostics() {
        return "file " + mvStore.getFileStore().size() / 1024 + " KiB, fill rate " + mvStore.getFillRate()
                + "%, chunks fill rate " + mvStore.getFileStore().getChunksFillRate() + "%";
    }

    /** Commits what is pending (acknowledgements included), then closes the file. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            // refusals change only counters and request no commit of their own; save them now
            committer.requestLazily();
        }
        committer.close();
        if (committer.failure() != null) {
            mvStore.closeImmediately();
        } else {
            mvStore.close();
        }
    }

    /** Makes room for a record of {@code size} bytes, or refuses; changes nothing when it refuses. */
    private void admit(OutgoingMessage message, int size) throws StoreFullException {
        if (size > limits.maxBytes()) {
            throw refuse(message, size, "the message alone is larger than maxBytes=" + limits.maxBytes());
        }
        if (fits(totalCount, totalBytes, size)) {
            return;
        }
        if (limits.policy() == OverflowPolicy.REFUSE_NEW) {
            throw refuse(message, size, "policy REFUSE_NEW");
        }
        List<Long> victims = new ArrayList<>();
        long freedCount = 0;
        long freedBytes = 0;
        search:
        for (int p = LOWEST; p >= message.priority(); p--) {
            if (count[p] == 0) {
                continue;
            }
            for (Cursor<Long, byte[]> c = messages.cursor(MessageKey.first(p), MessageKey.last(p), false);
                    c.hasNext();) {
                long key = c.next();
                if (inFlight.contains(key)) {
                    continue; // about to leave anyway; dropping it would not stop the send
                }
                victims.add(key);
                freedCount++;
                freedBytes += c.getValue().length;
                if (fits(totalCount - freedCount, totalBytes - freedBytes, size)) {
                    break search;
                }
            }
        }
        if (!fits(totalCount - freedCount, totalBytes - freedBytes, size)) {
            throw refuse(message, size, "policy DROP_OLDEST_LOWEST_PRIORITY, but everything left is more urgent"
                    + " than priority " + message.priority() + " or in flight");
        }
        for (long key : victims) {
            byte[] record = messages.remove(key);
            int p = MessageKey.priority(key);
            forget(p, record.length);
            dropped[p]++;
        }
        warnOverflow(victims.size() + " messages of priority >= " + message.priority() + " dropped to make room for"
                + " one on " + message.topic());
    }

    private boolean fits(long messageCount, long byteCount, int size) {
        return messageCount + 1 <= limits.maxMessages() && byteCount + size <= limits.maxBytes();
    }

    private StoreFullException refuse(OutgoingMessage message, int size, String why) {
        refused++;
        String text = "message store " + file + " is full: " + totalCount + " of maxMessages=" + limits.maxMessages()
                + " messages, " + totalBytes + " of maxBytes=" + limits.maxBytes() + " bytes; refused a " + size
                + "-byte message for topic " + message.topic() + " at priority " + message.priority() + " (" + why
                + ")";
        warnOverflow(text);
        return new StoreFullException(text);
    }

    /** Overflows come in floods; log the first one, then at most one summary a minute. */
    private void warnOverflow(String latest) {
        overflowsSinceWarning++;
        long now = System.nanoTime();
        if (lastOverflowWarning == 0 || now - lastOverflowWarning >= OVERFLOW_WARNING_INTERVAL) {
            long droppedTotal = 0;
            for (long d : dropped) {
                droppedTotal += d;
            }
            LOG.warn("Message store {} full: {} overflow(s) since the last warning, {} dropped and {} refused in"
                    + " total. Latest: {}", file, overflowsSinceWarning, droppedTotal, refused, latest);
            lastOverflowWarning = now == 0 ? 1 : now;
            overflowsSinceWarning = 0;
        }
    }

    private void forget(int priority, int size) {
        count[priority]--;
        bytes[priority] -= size;
        totalCount--;
        totalBytes -= size;
    }

    /** Runs on the committer thread before each commit, so counters reach the disk with the batch. */
    private synchronized void writeCounters() {
        counters.put(NEXT_SEQUENCE, nextSequence);
        counters.put(REFUSED, refused);
        for (int p = LIFECYCLE; p <= LOWEST; p++) {
            if (dropped[p] > 0) {
                counters.put(DROPPED + p, dropped[p]);
            }
        }
    }

    /**
     * Rewrites live pages out of mostly dead chunks, so a long backlog does not leave the file
     * several times larger than its data (each commit rewrites the queue's last leaf page; the
     * full leaves stay behind in otherwise dead chunks). Runs under the monitor so that no reader
     * is on a version whose chunks this frees.
     */
    /**
     * Runs on the committer thread, without this object's monitor: MVStore compacts concurrently
     * with map writes, so appends and acknowledgements go on meanwhile. {@link #close()} closes
     * the file only after the committer thread has ended.
     */
    private boolean compactSome() {
        return mvStore.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES);
    }

    private void checkOpen() {
        if (closed) {
            throw new MessageStoreException("message store " + file + " is closed");
        }
    }

    private void checkUsable() {
        checkOpen();
        Throwable failure = committer.failure();
        if (failure != null) {
            throw new MessageStoreException("message store " + file + " failed earlier and accepts no messages"
                    + " until it is reopened: " + failure.getMessage(), failure);
        }
    }

    /** The file is damaged; thrown only while opening, where it leads to the file being moved aside. */
    static final class CorruptStoreException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptStoreException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
