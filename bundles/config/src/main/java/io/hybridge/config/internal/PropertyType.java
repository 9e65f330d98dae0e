package io.hybridge.config.internal;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * The type of a configuration property as Kura names it on the wire ({@code STRING},
 * {@code INTEGER}, {@code PASSWORD}…), with the conversion of one JSON value (string, number,
 * boolean) into the Java type Config Admin stores, and back.
 *
 * <p>Numbers are accepted as JSON numbers or as numeric strings, booleans as JSON booleans or
 * {@code "true"}/{@code "false"}: clients that send every value as text (some do) work, and
 * a value that really is wrong is still refused with its name.
 */
public enum PropertyType {
    STRING(String.class, "a String"),
    LONG(Long.class, "a Long"),
    DOUBLE(Double.class, "a Double"),
    FLOAT(Float.class, "a Float"),
    INTEGER(Integer.class, "an Integer"),
    BYTE(Byte.class, "a Byte"),
    CHAR(Character.class, "a single Character"),
    BOOLEAN(Boolean.class, "a Boolean"),
    SHORT(Short.class, "a Short"),
    PASSWORD(String.class, "a Password string");

    private final Class<?> javaType;
    private final String article;

    PropertyType(Class<?> javaType, String article) {
        this.javaType = javaType;
        this.article = article;
    }

    /** The Java type Config Admin holds for one value of this type. */
    public Class<?> javaType() {
        return javaType;
    }

    /** "an Integer", "a String": for messages like {@code port = "abc" is not an Integer}. */
    public String withArticle() {
        return article;
    }

    public boolean isNumeric() {
        return this == LONG || this == DOUBLE || this == FLOAT || this == INTEGER || this == BYTE || this == SHORT;
    }

    public boolean isText() {
        return this == STRING || this == PASSWORD;
    }

    /**
     * The type of a Metatype attribute. The deprecated BIGINTEGER and BIGDECIMAL types have no
     * Kura counterpart; they are carried as STRING.
     */
    public static PropertyType ofAttribute(AttributeDefinition ad) {
        return switch (ad.getType()) {
            case AttributeDefinition.LONG -> LONG;
            case AttributeDefinition.INTEGER -> INTEGER;
            case AttributeDefinition.SHORT -> SHORT;
            case AttributeDefinition.CHARACTER -> CHAR;
            case AttributeDefinition.BYTE -> BYTE;
            case AttributeDefinition.DOUBLE -> DOUBLE;
            case AttributeDefinition.FLOAT -> FLOAT;
            case AttributeDefinition.BOOLEAN -> BOOLEAN;
            case AttributeDefinition.PASSWORD -> PASSWORD;
            default -> STRING;
        };
    }

    /** The type of a value Config Admin holds (a scalar, an array or a collection), or null if it is none of ours. */
    public static PropertyType ofValue(Object value) {
        if (value == null) {
            return null;
        }
        Class<?> type = value.getClass();
        if (type.isArray()) {
            return ofClass(type.getComponentType());
        }
        if (value instanceof Iterable<?> collection) {
            for (Object element : collection) {
                if (element != null) {
                    return ofClass(element.getClass());
                }
            }
            return STRING;
        }
        return ofClass(type);
    }

    private static PropertyType ofClass(Class<?> type) {
        if (type == String.class) {
            return STRING;
        } else if (type == Integer.class || type == int.class) {
            return INTEGER;
        } else if (type == Long.class || type == long.class) {
            return LONG;
        } else if (type == Boolean.class || type == boolean.class) {
            return BOOLEAN;
        } else if (type == Double.class || type == double.class) {
            return DOUBLE;
        } else if (type == Float.class || type == float.class) {
            return FLOAT;
        } else if (type == Short.class || type == short.class) {
            return SHORT;
        } else if (type == Byte.class || type == byte.class) {
            return BYTE;
        } else if (type == Character.class || type == char.class) {
            return CHAR;
        }
        return STRING; // BigInteger, BigDecimal: shown as text
    }

    /** The type named on the wire ({@code "INTEGER"}), or null if no type has that name. */
    public static PropertyType byName(String name) {
        if (name == null) {
            return null;
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return null;
        }
    }

    /**
     * Converts one JSON scalar (String, Number, Boolean) into this type's Java value.
     *
     * @throws IllegalArgumentException if the value is not of this type or out of its range
     */
    public Object fromJson(Object json) {
        switch (this) {
            case STRING, PASSWORD -> {
                if (json instanceof String s) {
                    return s;
                }
            }
            case CHAR -> {
                if (json instanceof String s && s.length() == 1) {
                    return s.charAt(0);
                }
            }
            case BOOLEAN -> {
                if (json instanceof Boolean b) {
                    return b;
                }
                if (json instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
                    return Boolean.valueOf(s);
                }
            }
            case DOUBLE, FLOAT -> {
                Double d = asDouble(json);
                if (d != null) {
                    if (this == DOUBLE) {
                        return d;
                    }
                    float f = d.floatValue();
                    if (Float.isInfinite(f) && !Double.isInfinite(d)) {
                        break;
                    }
                    return f;
                }
            }
            default -> {
                BigInteger i = asInteger(json);
                if (i != null) {
                    try {
                        return switch (this) {
                            case LONG -> i.longValueExact();
                            case INTEGER -> i.intValueExact();
                            case SHORT -> i.shortValueExact();
                            default -> i.byteValueExact();
                        };
                    } catch (ArithmeticException outOfRange) {
                        break;
                    }
                }
            }
        }
        throw new IllegalArgumentException("not " + withArticle());
    }

    /** One Java value of this type as JSON: strings for characters and for non-finite numbers. */
    public static Object toJson(Object javaValue) {
        if (javaValue instanceof Character c) {
            return c.toString();
        }
        if (javaValue instanceof Double d && !Double.isFinite(d)) {
            return d.toString();
        }
        if (javaValue instanceof Float f && !Float.isFinite(f)) {
            return f.toString();
        }
        if (javaValue instanceof BigInteger || javaValue instanceof BigDecimal) {
            return javaValue.toString();
        }
        return javaValue;
    }

    private static BigDecimal asDecimal(Object json) {
        if (json instanceof BigDecimal d) {
            return d;
        }
        if (json instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (json instanceof Integer || json instanceof Long || json instanceof Short || json instanceof Byte) {
            return BigDecimal.valueOf(((Number) json).longValue());
        }
        if (json instanceof Number n && Double.isFinite(n.doubleValue())) {
            return new BigDecimal(n.toString());
        }
        if (json instanceof String s) {
            try {
                return new BigDecimal(s.trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    private static BigInteger asInteger(Object json) {
        BigDecimal d = asDecimal(json);
        if (d == null) {
            return null;
        }
        try {
            return d.toBigIntegerExact();
        } catch (ArithmeticException fraction) {
            return null;
        }
    }

    private static Double asDouble(Object json) {
        if (json instanceof Number n && !(json instanceof BigDecimal) && !(json instanceof BigInteger)) {
            return n.doubleValue();
        }
        if (json instanceof String s) {
            String t = s.trim();
            if (t.equals("NaN") || t.equals("Infinity") || t.equals("-Infinity")) {
                return Double.valueOf(t);
            }
        }
        BigDecimal d = asDecimal(json);
        if (d == null) {
            return null;
        }
        double value = d.doubleValue();
        return Double.isInfinite(value) ? null : value;
    }
}
