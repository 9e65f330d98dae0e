package io.hybridge.api.bus;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the messages of a {@link LocalBus} subscription. See {@link LocalBus#subscribe} for
 * the thread it is called on and why it must not block.
 */
@ConsumerType
@FunctionalInterface
public interface BusListener {

    void onMessage(BusMessage message);
}
