package io.hybridge.cloud.internal.route;

/**
 * What one route has done since it was activated (a configuration change or a restart of the
 * cloud link or the local broker starts it afresh).
 *
 * @param pid the route's configuration PID
 * @param description what it moves, e.g. {@code sensors/+/temperature -> TELEMETRY/{topic}}; empty when invalid
 * @param state {@value Route#RUNNING}, {@value Route#INVALID} (configuration refused) or
 *     {@value Route#FAILED} (could not subscribe)
 * @param problem why it is not running, empty when it is
 * @param received messages the route was given
 * @param forwarded messages delivered: to-cloud, stored for the cloud (QoS 1) or handed to the
 *     connection (QoS 0); from-cloud, handed to the local broker. An aggregating route forwards
 *     one message per topic and window.
 * @param droppedByRateLimit messages above {@code rate.limit.per.second}
 * @param droppedOverload messages dropped because {@value Outbox#MAX_IN_FLIGHT} were still waiting
 *     for the other side
 * @param rejected messages that could not be converted (not a number, not a KuraPayload, ...)
 * @param failed messages the other side refused (store full, link down at QoS 0, broker stopped)
 * @param inFlight messages sent and not yet confirmed
 */
public record RouteStats(String pid, String description, String state, String problem, long received, long forwarded,
        long droppedByRateLimit, long droppedOverload, long rejected, long failed, int inFlight) {
}
