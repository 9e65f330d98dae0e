package io.hybridge.workloads.internal.spec;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Optional;

/** Durations as the outside forms write them: seconds, possibly fractional ({@code 0.5}). */
final class Seconds {

    /** A century; more is surely a mistake (and would not fit every consumer's arithmetic). */
    static final BigDecimal LONGEST = BigDecimal.valueOf(100L * 365 * 24 * 3600);

    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);

    private Seconds() {
    }

    /** The duration, to the nanosecond; empty when out of ±{@link #LONGEST}. */
    static Optional<Duration> toDuration(BigDecimal seconds) {
        if (seconds.abs().compareTo(LONGEST) > 0) {
            return Optional.empty();
        }
        long nanos = seconds.multiply(NANOS_PER_SECOND).setScale(0, RoundingMode.HALF_UP).longValueExact();
        return Optional.of(Duration.ofNanos(nanos));
    }

    /** Exact decimal seconds without trailing zeros: {@code 1}, {@code 0.5}. */
    static BigDecimal of(Duration duration) {
        BigDecimal seconds = BigDecimal.valueOf(duration.getSeconds()).add(BigDecimal.valueOf(duration.getNano(), 9));
        seconds = seconds.stripTrailingZeros();
        return seconds.scale() < 0 ? seconds.setScale(0) : seconds;
    }

    /** {@link #of} as a JSON number: a Long when whole, else the exact decimal. */
    static Number asNumber(Duration duration) {
        BigDecimal seconds = of(duration);
        return seconds.scale() == 0 ? (Number) seconds.longValueExact() : seconds;
    }

    /** For messages: {@code 0.5}, {@code 60}. */
    static String show(Duration duration) {
        return of(duration).toPlainString();
    }
}
