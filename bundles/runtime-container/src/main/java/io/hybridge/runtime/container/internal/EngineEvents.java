package io.hybridge.runtime.container.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.EventsCmd;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;

/**
 * The engine's event stream, narrowed to the exits of Hybridge's containers ({@code die},
 * {@code oom}, {@code destroy} of containers labelled {@code io.hybridge.managed=true}). When the
 * stream breaks (engine stopped, restarted, connection lost) it asks whether the engine answers
 * and connects again with exponential backoff (1 s doubling to 30 s); the new stream starts from
 * the time of the last event seen, so exits while it was away are replayed as far as the engine
 * still holds them. All scheduling happens on the runtime's scheduler.
 */
final class EngineEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineEvents.class);
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY = Duration.ofSeconds(30);
    /** A stream that lived this long was a good one: the next break starts the backoff afresh. */
    private static final Duration STABLE = Duration.ofSeconds(10);

    private final DockerClient client;
    private final ScheduledExecutorService scheduler;
    private final BooleanSupplier engineAnswers;
    private final Consumer<Event> events;

    private volatile StreamCallback<Event> stream;
    private volatile boolean connected;
    private volatile boolean closed;
    // scheduler thread only
    private Duration retry = FIRST_RETRY;
    private long connectedAtNanos;
    /** Engine time (Unix seconds) of the last event seen; 0 before the first. */
    private volatile long lastEventSeconds;
    private long brokenAtSeconds;

    /**
     * @param engineAnswers pings the engine and updates the runtime's availability; true when it answers
     * @param events        every event, on docker-java's stream thread (hand it on, do not block)
     */
    EngineEvents(DockerClient client, ScheduledExecutorService scheduler, BooleanSupplier engineAnswers, Consumer<Event> events) {
        this.client = client;
        this.scheduler = scheduler;
        this.engineAnswers = engineAnswers;
        this.events = events;
    }

    void start() {
        scheduler.execute(this::connect);
    }

    /** Whether the stream is open (the engine has answered the events request). */
    boolean connected() {
        return connected;
    }

    @Override
    public void close() {
        closed = true;
        connected = false;
        StreamCallback<Event> current = stream;
        if (current != null) {
            current.close();
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        if (!engineAnswers.getAsBoolean()) {
            scheduleReconnect();
            return;
        }
        EventsCmd command = client.eventsCmd()
                .withLabelFilter(Map.of(InstanceLabels.MANAGED, "true"))
                .withEventTypeFilter(EventType.CONTAINER)
                .withEventFilter("die", "oom", "destroy");
        long since = lastEventSeconds > 0 ? lastEventSeconds : brokenAtSeconds;
        if (since > 0) {
            command.withSince(Long.toString(since));
        }
        StreamCallback<Event> callback = new StreamCallback<>(this::received) {
            @Override
            public void onStart(java.io.Closeable closeable) {
                super.onStart(closeable);
                connected = true;
            }
        };
        stream = callback;
        connectedAtNanos = System.nanoTime();
        command.exec(callback);
        callback.done().whenComplete((ignored, error) -> {
            connected = false;
            if (!closed && !callback.isClosed()) {
                scheduler.execute(() -> broken(error));
            }
        });
    }

    private void received(Event event) {
        if (event.getTime() != null) {
            lastEventSeconds = event.getTime();
        }
        events.accept(event);
    }

    private void broken(Throwable error) {
        if (closed) {
            return;
        }
        brokenAtSeconds = System.currentTimeMillis() / 1000 - 1;
        if (System.nanoTime() - connectedAtNanos > STABLE.toNanos()) {
            retry = FIRST_RETRY;
        }
        LOG.info("Container engine event stream ended ({}); connecting again", error == null ? "closed by the engine" : EngineErrors.rootCause(error));
        // the ping tells the runtime at once whether the engine went away
        if (engineAnswers.getAsBoolean() && retry.equals(FIRST_RETRY)) {
            retry = retry.multipliedBy(2);
            scheduler.execute(this::connect);
        } else {
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        if (closed) {
            return;
        }
        Duration delay = retry;
        retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        scheduler.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }
}
