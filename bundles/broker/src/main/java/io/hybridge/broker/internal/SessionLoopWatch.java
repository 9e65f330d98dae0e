package io.hybridge.broker.internal;

import java.util.function.Consumer;

import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptExceptionMessage;

/**
 * Tells the broker when one of Moquette's session loops has died.
 *
 * <p>Moquette 0.17 runs every client session on one of a fixed set of loop threads (one per
 * CPU), and a command that throws ends its loop for good: from then on every client whose id
 * hashes to that loop connects but never gets a CONNACK, while the broker still listens and
 * looks healthy. This happens in practice: a client that acknowledges a QoS 1 message and
 * disconnects at once can have the message's buffer released twice (the session clean-up and
 * the PUBACK race), which throws. Moquette reports the death here, on the dying loop's thread,
 * before the thread ends; the broker restarts itself on it (see {@link LocalBroker}).
 */
final class SessionLoopWatch extends AbstractInterceptHandler {

    private final Consumer<Throwable> loopFailed;

    /** @param loopFailed called on the dying loop's thread; must not block */
    SessionLoopWatch(Consumer<Throwable> loopFailed) {
        this.loopFailed = loopFailed;
    }

    @Override
    public String getID() {
        return "hybridge-session-loop-watch";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        return new Class<?>[] {InterceptExceptionMessage.class};
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        loopFailed.accept(error);
    }
}
