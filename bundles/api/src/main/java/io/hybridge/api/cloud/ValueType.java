package io.hybridge.api.cloud;

/**
 * The metric value types of a KuraPayload, numbered as in Kura's {@code KuraMetric.ValueType}
 * enum; the number is what travels on the wire.
 */
public enum ValueType {
    DOUBLE(0, Double.class),
    FLOAT(1, Float.class),
    INT64(2, Long.class),
    INT32(3, Integer.class),
    BOOL(4, Boolean.class),
    STRING(5, String.class),
    BYTES(6, byte[].class);

    private final int wireNumber;
    private final Class<?> javaType;

    ValueType(int wireNumber, Class<?> javaType) {
        this.wireNumber = wireNumber;
        this.javaType = javaType;
    }

    /** The number of this type in the protobuf {@code ValueType} enum. */
    public int wireNumber() {
        return wireNumber;
    }

    /** The Java type a metric of this type holds. */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * The value type of a metric value.
     *
     * @throws IllegalArgumentException if the value has a type Kura cannot carry
     */
    public static ValueType of(Object value) {
        for (ValueType type : values()) {
            if (type.javaType.isInstance(value)) {
                return type;
            }
        }
        String actual = value == null ? "null" : value.getClass().getName();
        throw new IllegalArgumentException("metric value of type " + actual
                + " cannot be carried by a KuraPayload; use Double, Float, Long, Integer,"
                + " Boolean, String or byte[]");
    }

    /** The type with this wire number, or {@code null} if the number is not a known type. */
    public static ValueType fromWireNumber(int number) {
        for (ValueType type : values()) {
            if (type.wireNumber == number) {
                return type;
            }
        }
        return null;
    }
}
