package io.hybridge.runtime.container.internal;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import com.github.dockerjava.api.async.ResultCallback;

/**
 * One streamed engine answer (events, logs, pull progress, load output): items go to a
 * consumer on docker-java's stream thread; the end, normal or not, completes {@link #done()}.
 * Unlike docker-java's own callbacks it logs nothing by itself: the caller decides what an
 * error means.
 */
class StreamCallback<T> implements ResultCallback<T> {

    private final Consumer<T> items;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile Closeable stream;
    private volatile boolean closed;

    StreamCallback(Consumer<T> items) {
        this.items = items;
    }

    @Override
    public void onStart(Closeable stream) {
        this.stream = stream;
        if (closed) {
            closeQuietly(stream);
        }
    }

    @Override
    public void onNext(T item) {
        if (!closed) {
            items.accept(item);
        }
    }

    @Override
    public void onError(Throwable error) {
        done.completeExceptionally(error);
        closeQuietly(stream);
    }

    @Override
    public void onComplete() {
        done.complete(null);
        closeQuietly(stream);
    }

    /** Ends the stream; {@link #done()} completes normally. */
    @Override
    public void close() {
        closed = true;
        done.complete(null);
        closeQuietly(stream);
    }

    boolean isClosed() {
        return closed;
    }

    CompletableFuture<Void> done() {
        return done;
    }

    /**
     * Waits for the end of the stream.
     *
     * @throws RuntimeException the stream's error as docker-java raised it
     * @throws TimeoutException when it did not end in time (the stream is then closed)
     */
    void await(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (TimeoutException e) {
            close();
            throw e;
        }
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (IOException | RuntimeException ignored) {
                // the stream is gone either way
            }
        }
    }
}
