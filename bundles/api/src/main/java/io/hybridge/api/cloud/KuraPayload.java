package io.hybridge.api.cloud;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One message in Kura's payload model: an optional timestamp and position, named typed metrics
 * in insertion order, and an optional opaque body. Immutable; byte arrays are copied in and out.
 *
 * <p>Metric values are restricted to the Java types of {@link ValueType} so that every payload
 * that can be built can also be encoded by every codec.
 */
public final class KuraPayload {
    private final Instant timestamp;
    private final KuraPosition position;
    private final Map<String, Object> metrics;
    private final byte[] body;

    private KuraPayload(Builder b) {
        this.timestamp = b.timestamp;
        this.position = b.position;
        this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(b.metrics));
        this.body = b.body;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** When the payload was sent (Kura's {@code sentOn}), millisecond precision, or {@code null}. */
    public Instant timestamp() {
        return timestamp;
    }

    /** The position, or {@code null}. */
    public KuraPosition position() {
        return position;
    }

    /**
     * The metrics in the order they were added. The map cannot be changed; {@code byte[]} values
     * are copies.
     */
    public Map<String, Object> metrics() {
        Map<String, Object> copy = new LinkedHashMap<>(metrics);
        copy.replaceAll((name, value) -> copyIfBytes(value));
        return Collections.unmodifiableMap(copy);
    }

    /** The names of the metrics in the order they were added. */
    public Set<String> metricNames() {
        return metrics.keySet();
    }

    /** The value of a metric, or {@code null} if there is none with this name. */
    public Object metric(String name) {
        return copyIfBytes(metrics.get(name));
    }

    /** The body (a copy), or {@code null}. */
    public byte[] body() {
        return body == null ? null : body.clone();
    }

    /** A builder holding this payload's content, to derive a changed payload. */
    public Builder toBuilder() {
        Builder b = new Builder().timestamp(timestamp).position(position).body(body);
        metrics.forEach(b::metric);
        return b;
    }

    private static Object copyIfBytes(Object value) {
        return value instanceof byte[] ? ((byte[]) value).clone() : value;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof KuraPayload)) {
            return false;
        }
        KuraPayload p = (KuraPayload) o;
        return Objects.equals(timestamp, p.timestamp)
                && Objects.equals(position, p.position)
                && Arrays.equals(body, p.body)
                && metricsEqual(metrics, p.metrics);
    }

    // Byte-array metrics compare by content, and order matters: it is part of what is sent.
    private static boolean metricsEqual(Map<String, Object> a, Map<String, Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<Map.Entry<String, Object>> other = b.entrySet().iterator();
        for (Map.Entry<String, Object> e : a.entrySet()) {
            Map.Entry<String, Object> o = other.next();
            if (!e.getKey().equals(o.getKey()) || !Objects.deepEquals(e.getValue(), o.getValue())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(timestamp, position);
        h = 31 * h + Arrays.hashCode(body);
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            Object v = e.getValue();
            h = 31 * h + e.getKey().hashCode()
                    + (v instanceof byte[] ? Arrays.hashCode((byte[]) v) : v.hashCode());
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("KuraPayload[");
        if (timestamp != null) {
            s.append("timestamp=").append(timestamp).append(", ");
        }
        if (position != null) {
            s.append("position=").append(position).append(", ");
        }
        s.append("metrics={");
        String sep = "";
        for (Map.Entry<String, Object> e : metrics.entrySet()) {
            Object v = e.getValue();
            s.append(sep).append(e.getKey()).append('=')
                    .append(v instanceof byte[] ? ((byte[]) v).length + " bytes" : v);
            sep = ", ";
        }
        s.append('}');
        if (body != null) {
            s.append(", body=").append(body.length).append(" bytes");
        }
        return s.append(']').toString();
    }

    /** Collects the content of a payload. Adding a metric with an existing name replaces it. */
    public static final class Builder {
        private Instant timestamp;
        private KuraPosition position;
        private final Map<String, Object> metrics = new LinkedHashMap<>();
        private byte[] body;

        private Builder() {
        }

        /**
         * Truncated to milliseconds, because that is all the wire carries; a payload therefore
         * equals itself after a round trip.
         */
        public Builder timestamp(Instant timestamp) {
            if (timestamp != null) {
                checkFitsEpochMillis(timestamp);
                this.timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
            } else {
                this.timestamp = null;
            }
            return this;
        }

        public Builder timestamp(long epochMillis) {
            this.timestamp = Instant.ofEpochMilli(epochMillis);
            return this;
        }

        public Builder position(KuraPosition position) {
            this.position = position;
            return this;
        }

        public Builder body(byte[] body) {
            this.body = body == null ? null : body.clone();
            return this;
        }

        public Builder metric(String name, double value) {
            return put(name, value);
        }

        public Builder metric(String name, float value) {
            return put(name, value);
        }

        public Builder metric(String name, long value) {
            return put(name, value);
        }

        public Builder metric(String name, int value) {
            return put(name, value);
        }

        public Builder metric(String name, boolean value) {
            return put(name, value);
        }

        public Builder metric(String name, String value) {
            return put(name, value);
        }

        public Builder metric(String name, byte[] value) {
            return put(name, value);
        }

        /**
         * Adds a metric whose type is only known at run time.
         *
         * @throws IllegalArgumentException if the value is null or not of a {@link ValueType}
         */
        public Builder metric(String name, Object value) {
            return put(name, value);
        }

        private Builder put(String name, Object value) {
            Objects.requireNonNull(name, "metric name");
            if (value == null) {
                throw new IllegalArgumentException("metric '" + name + "' has no value;"
                        + " KuraPayload metrics cannot be null");
            }
            ValueType.of(value); // rejects types no codec can carry
            metrics.put(name, value instanceof byte[] ? ((byte[]) value).clone() : value);
            return this;
        }

        public KuraPayload build() {
            return new KuraPayload(this);
        }

        private static void checkFitsEpochMillis(Instant timestamp) {
            try {
                timestamp.toEpochMilli();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("timestamp " + timestamp
                        + " cannot be sent: the wire carries milliseconds since 1970 in 64 bits", e);
            }
        }
    }
}
