package io.hybridge.broker.internal;

import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptPublishMessage;
import io.netty.buffer.ByteBuf;

/**
 * Hands what MQTT clients publish to the in-process bus.
 *
 * <p>Moquette 0.17 calls {@link #onPublish} on its interceptor thread (one thread: the broker sets
 * {@code intercept.thread_pool.size} to 1, which keeps {@link ConnectedClients}' connects and
 * disconnects in order), after the message passed the ACL and was routed to the MQTT
 * subscribers. The message it passes is a retained duplicate that this handler owns and must
 * release, whatever happens (Moquette's own {@code AbstractInterceptHandler.onPublish} does just
 * that): the bytes are copied out and the buffer released at once, so no Netty buffer ever
 * reaches a listener or outlives this call. Nothing here blocks: subscriptions queue the copy
 * and their listeners run on the bus's own threads.
 */
final class BusInterceptor extends AbstractInterceptHandler {

    private final MoquetteBus bus;

    BusInterceptor(MoquetteBus bus) {
        this.bus = bus;
    }

    @Override
    public String getID() {
        return "hybridge-local-bus";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        return new Class<?>[] {InterceptPublishMessage.class};
    }

    @Override
    public void onPublish(InterceptPublishMessage message) {
        ByteBuf payload = message.getPayload();
        try {
            if (bus.hasSubscriptions()) {
                byte[] bytes = new byte[payload.readableBytes()];
                payload.getBytes(payload.readerIndex(), bytes);
                bus.receivedFromClient(message.getTopicName(), bytes, message.getQos().value(),
                        message.isRetainFlag(), message.getClientID());
            }
        } finally {
            payload.release();
        }
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // not asked for (see getInterceptedMessageTypes); ConnectedClients logs these
    }
}
