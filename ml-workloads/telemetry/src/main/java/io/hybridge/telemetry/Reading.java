package io.hybridge.telemetry;

import java.util.Objects;

/**
 * One sensor reading as it arrived.
 *
 * @param sensor     the sensor id (from the payload, or from the topic)
 * @param value      the measured value, finite
 * @param epochMilli when it was measured: the payload's {@code ts}, or the arrival time
 */
public record Reading(String sensor, double value, long epochMilli) {
    public Reading {
        Objects.requireNonNull(sensor, "sensor");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("value must be finite: " + value);
        }
    }
}
