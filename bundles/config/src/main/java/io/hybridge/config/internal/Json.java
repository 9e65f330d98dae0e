package io.hybridge.config.internal;

import java.io.IOException;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * JSON text to and from maps, lists and scalars (jackson-jr: no databind, small and quick to
 * load). Decimals are read as BigDecimal so that a value is never rounded before it is
 * checked against its attribute's type; duplicate keys are refused.
 */
public final class Json {

    private static final JSON READER = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS,
            JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);
    private static final JSON WRITER = JSON.std.without(JSON.Feature.WRITE_NULL_PROPERTIES);
    private static final JSON PRETTY_WRITER = WRITER.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private Json() {
    }

    /**
     * Parses JSON text into Map (insertion-ordered), List, String, Number, Boolean or null.
     *
     * @throws IOException with the parser's description of what is wrong and where
     */
    public static Object parse(String text) throws IOException {
        return READER.anyFrom(text);
    }

    public static String write(Object value) {
        try {
            return WRITER.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    public static String writePretty(Object value) {
        try {
            return PRETTY_WRITER.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }
}
