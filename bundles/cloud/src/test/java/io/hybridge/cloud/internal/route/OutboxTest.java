package io.hybridge.cloud.internal.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class OutboxTest {

    private final RouteCounters counters = new RouteCounters();
    private final RouteLog log = new RouteLog("io.hybridge.cloud.route~test", System::currentTimeMillis);
    private final List<CompletableFuture<Void>> pending = new ArrayList<>();

    private CompletableFuture<Void> pendingSend() {
        CompletableFuture<Void> stage = new CompletableFuture<>();
        synchronized (pending) {
            pending.add(stage);
        }
        return stage;
    }

    @Test
    void aFullOutboxMakesTheSenderWaitForRoomInsteadOfDropping() throws Exception {
        Outbox outbox = new Outbox(2, TimeUnit.SECONDS.toNanos(10), counters, log);
        outbox.send(this::pendingSend);
        outbox.send(this::pendingSend);
        assertThat(outbox.inFlight()).isEqualTo(2);

        CountDownLatch third = new CountDownLatch(1);
        Thread sender = new Thread(() -> {
            outbox.send(this::pendingSend);
            third.countDown();
        });
        sender.start();
        assertThat(third.await(200, TimeUnit.MILLISECONDS)).as("third send waits while two are in flight").isFalse();

        pending.get(0).complete(null); // the store made one durable: room for the third
        assertThat(third.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(counters.droppedOverload.sum()).isZero();
        assertThat(counters.forwarded.sum()).isEqualTo(1);
        assertThat(outbox.inFlight()).isEqualTo(2);
    }

    @Test
    void aStoreStuckLongerThanTheWaitCostsACountedDrop() {
        Outbox outbox = new Outbox(1, TimeUnit.MILLISECONDS.toNanos(50), counters, log);
        outbox.send(this::pendingSend);
        outbox.send(this::pendingSend);
        assertThat(counters.droppedOverload.sum()).isEqualTo(1);
        assertThat(pending).hasSize(1);
    }

    @Test
    void failedSendsFreeTheirRoomAndAreCounted() {
        Outbox outbox = new Outbox(1, TimeUnit.MILLISECONDS.toNanos(50), counters, log);
        outbox.send(() -> CompletableFuture.failedFuture(new IllegalStateException("store full")));
        outbox.send(() -> CompletableFuture.completedFuture(null));
        assertThat(counters.failed.sum()).isEqualTo(1);
        assertThat(counters.forwarded.sum()).isEqualTo(1);
        assertThat(counters.droppedOverload.sum()).isZero();
    }
}
