package io.hybridge.fleet.rollout;

import java.time.Duration;

/**
 * How the engine works: how often it looks at its rollouts, how long it waits for a reply and how
 * often it asks again, how long its lease on a rollout lasts, when it asks a quiet gateway for
 * its job's status (GET/download) and when a busy gateway is tried again.
 */
public record EngineSettings(Duration tick, Duration replyTimeout, int replyRetries, Duration lease, Duration resyncAfter,
        Duration busyRetry) {

    public static EngineSettings defaults() {
        return new EngineSettings(Duration.ofMillis(200), Duration.ofSeconds(10), 2, Duration.ofSeconds(15),
                Duration.ofSeconds(30), Duration.ofSeconds(2));
    }
}
