package io.hybridge.cloud.internal.route;

/** One running direction of a route: subscribed on one side, sending to the other. */
interface Flow extends AutoCloseable {

    /** Subscribes; from now on messages flow. */
    void start();

    /** Messages sent and not yet confirmed. */
    int inFlight();

    /** Unsubscribes; sends in flight still complete and are counted. */
    @Override
    void close();
}
