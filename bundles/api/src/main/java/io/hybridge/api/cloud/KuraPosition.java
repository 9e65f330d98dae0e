package io.hybridge.api.cloud;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Where the device was when it sent a payload, as in Kura's {@code KuraPosition}. Latitude and
 * longitude are required by the wire format; every other field may be absent ({@code null}).
 */
public final class KuraPosition {
    private final double latitude;
    private final double longitude;
    private final Double altitude;
    private final Double precision;
    private final Double heading;
    private final Double speed;
    private final Instant timestamp;
    private final Integer satellites;
    private final Integer status;

    private KuraPosition(Builder b) {
        this.latitude = b.latitude;
        this.longitude = b.longitude;
        this.altitude = b.altitude;
        this.precision = b.precision;
        this.heading = b.heading;
        this.speed = b.speed;
        this.timestamp = b.timestamp;
        this.satellites = b.satellites;
        this.status = b.status;
    }

    public static Builder builder(double latitude, double longitude) {
        return new Builder(latitude, longitude);
    }

    /** Degrees, WGS84. */
    public double latitude() {
        return latitude;
    }

    /** Degrees, WGS84. */
    public double longitude() {
        return longitude;
    }

    /** Metres, or {@code null}. */
    public Double altitude() {
        return altitude;
    }

    /** Dilution of precision, or {@code null}. */
    public Double precision() {
        return precision;
    }

    /** Degrees, or {@code null}. */
    public Double heading() {
        return heading;
    }

    /** Metres per second, or {@code null}. */
    public Double speed() {
        return speed;
    }

    /** When the fix was taken (millisecond precision, as on the wire), or {@code null}. */
    public Instant timestamp() {
        return timestamp;
    }

    public Integer satellites() {
        return satellites;
    }

    /** GPS fix status as the device reports it, or {@code null}. */
    public Integer status() {
        return status;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof KuraPosition)) {
            return false;
        }
        KuraPosition p = (KuraPosition) o;
        return Double.compare(latitude, p.latitude) == 0
                && Double.compare(longitude, p.longitude) == 0
                && Objects.equals(altitude, p.altitude)
                && Objects.equals(precision, p.precision)
                && Objects.equals(heading, p.heading)
                && Objects.equals(speed, p.speed)
                && Objects.equals(timestamp, p.timestamp)
                && Objects.equals(satellites, p.satellites)
                && Objects.equals(status, p.status);
    }

    @Override
    public int hashCode() {
        return Objects.hash(latitude, longitude, altitude, precision, heading, speed, timestamp,
                satellites, status);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("KuraPosition[lat=").append(latitude)
                .append(", lon=").append(longitude);
        appendIfSet(s, "alt", altitude);
        appendIfSet(s, "precision", precision);
        appendIfSet(s, "heading", heading);
        appendIfSet(s, "speed", speed);
        appendIfSet(s, "timestamp", timestamp);
        appendIfSet(s, "satellites", satellites);
        appendIfSet(s, "status", status);
        return s.append(']').toString();
    }

    private static void appendIfSet(StringBuilder s, String name, Object value) {
        if (value != null) {
            s.append(", ").append(name).append('=').append(value);
        }
    }

    /** Collects the fields of a position; the optional ones start absent. */
    public static final class Builder {
        private double latitude;
        private double longitude;
        private Double altitude;
        private Double precision;
        private Double heading;
        private Double speed;
        private Instant timestamp;
        private Integer satellites;
        private Integer status;

        private Builder(double latitude, double longitude) {
            this.latitude = latitude;
            this.longitude = longitude;
        }

        public Builder latitude(double latitude) {
            this.latitude = latitude;
            return this;
        }

        public Builder longitude(double longitude) {
            this.longitude = longitude;
            return this;
        }

        public Builder altitude(Double altitude) {
            this.altitude = altitude;
            return this;
        }

        public Builder precision(Double precision) {
            this.precision = precision;
            return this;
        }

        public Builder heading(Double heading) {
            this.heading = heading;
            return this;
        }

        public Builder speed(Double speed) {
            this.speed = speed;
            return this;
        }

        /** Truncated to milliseconds, because that is all the wire carries. */
        public Builder timestamp(Instant timestamp) {
            this.timestamp = timestamp == null ? null : timestamp.truncatedTo(ChronoUnit.MILLIS);
            return this;
        }

        public Builder satellites(Integer satellites) {
            this.satellites = satellites;
            return this;
        }

        public Builder status(Integer status) {
            this.status = status;
            return this;
        }

        public KuraPosition build() {
            return new KuraPosition(this);
        }
    }
}
