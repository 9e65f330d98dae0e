package io.hybridge.fleet.rollout;

import java.time.Duration;

/**
 * What an operator asks for when creating a rollout. The group is a stored group's name, or
 * inline: {@code query:<query>} or {@code list:<gateway>,<gateway>}.
 */
public record RolloutRequest(String name, long unitId, String group, String waves, int successPercent, int errorPercent,
        ErrorAction errorAction, int concurrency, Duration gatewayTimeout, Duration healthTimeout, int blockSize,
        boolean reinstall) {

    public RolloutRequest {
        WavePlan.parse(waves);
        percent("success threshold", successPercent);
        percent("error threshold", errorPercent);
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency " + concurrency + " must be at least 1");
        }
        if (gatewayTimeout.isNegative() || gatewayTimeout.isZero()) {
            throw new IllegalArgumentException("gateway timeout " + gatewayTimeout + " must be positive");
        }
    }

    /** Defaults: waves 1,10%,50%,100%, success 90%, errors above 10% pause, 100 at a time, 10 minutes per gateway. */
    public static RolloutRequest of(String name, long unitId, String group) {
        return new RolloutRequest(name, unitId, group, "1,10%,50%,100%", 90, 10, ErrorAction.PAUSE, 100,
                Duration.ofMinutes(10), Duration.ZERO, 0, false);
    }

    public RolloutRequest withWaves(String w) {
        return new RolloutRequest(name, unitId, group, w, successPercent, errorPercent, errorAction, concurrency,
                gatewayTimeout, healthTimeout, blockSize, reinstall);
    }

    public RolloutRequest withThresholds(int success, int error, ErrorAction action) {
        return new RolloutRequest(name, unitId, group, waves, success, error, action, concurrency, gatewayTimeout,
                healthTimeout, blockSize, reinstall);
    }

    public RolloutRequest withGatewayTimeout(Duration timeout) {
        return new RolloutRequest(name, unitId, group, waves, successPercent, errorPercent, errorAction, concurrency,
                timeout, healthTimeout, blockSize, reinstall);
    }

    public RolloutRequest withConcurrency(int c) {
        return new RolloutRequest(name, unitId, group, waves, successPercent, errorPercent, errorAction, c,
                gatewayTimeout, healthTimeout, blockSize, reinstall);
    }

    private static void percent(String what, int value) {
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException(what + " " + value + "% must be from 0% to 100%");
        }
    }
}
