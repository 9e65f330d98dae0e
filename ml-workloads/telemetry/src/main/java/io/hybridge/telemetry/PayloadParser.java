package io.hybridge.telemetry;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a message on the input topic into a {@link Reading}, or says exactly why it cannot.
 *
 * <p>The payload is a JSON object: {@code {"sensor":"s1","value":21.5,"ts":1767225600000}}.
 * {@code value} is a JSON number; {@code sensor} a string of 1–64 characters without
 * {@code / + #} or control characters, optional when the topic names the sensor (the level of the
 * input filter's first {@code +}); {@code ts} optional, epoch milliseconds or an ISO-8601 instant
 * ({@code "2026-01-01T00:00:00Z"}). Other members are ignored. A small parser of its own: the
 * task needs one flat object, not a JSON library in its image.
 */
public final class PayloadParser {

    /** A payload that is not a reading; the message says why, for the log. */
    public static final class BadPayloadException extends Exception {
        private static final long serialVersionUID = 1L;

        BadPayloadException(String message) {
            super(message);
        }
    }

    static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    static final int MAX_SENSOR_LENGTH = 64;

    private final int sensorLevel;

    /** @param sensorLevel topic level that names the sensor when the payload does not; -1: none */
    public PayloadParser(int sensorLevel) {
        this.sensorLevel = sensorLevel;
    }

    public Reading parse(String topic, byte[] payload, long arrivedEpochMilli) throws BadPayloadException {
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new BadPayloadException("payload of " + payload.length + " bytes, more than " + MAX_PAYLOAD_BYTES);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString();
        } catch (CharacterCodingException e) {
            throw new BadPayloadException("payload is not UTF-8 text");
        }
        Map<String, Object> members = new JsonObjectReader(text).readObject();

        Object value = members.get("value");
        if (!(value instanceof Double number)) {
            throw new BadPayloadException(value == null ? "no \"value\"" : "\"value\" is not a number");
        }
        if (!Double.isFinite(number)) {
            throw new BadPayloadException("\"value\" is out of range");
        }
        String sensor = sensor(topic, members.get("sensor"));
        long ts = timestamp(members.get("ts"), arrivedEpochMilli);
        return new Reading(sensor, number, ts);
    }

    private String sensor(String topic, Object fromPayload) throws BadPayloadException {
        String sensor;
        if (fromPayload != null) {
            if (!(fromPayload instanceof String s)) {
                throw new BadPayloadException("\"sensor\" is not a string");
            }
            sensor = s;
        } else {
            String[] levels = topic.split("/", -1);
            if (sensorLevel < 0 || sensorLevel >= levels.length) {
                throw new BadPayloadException("no \"sensor\" and the topic names none");
            }
            sensor = levels[sensorLevel];
        }
        if (!validSensor(sensor)) {
            throw new BadPayloadException("sensor id '" + printable(sensor) + "' is not 1-" + MAX_SENSOR_LENGTH
                    + " characters without '/', '+', '#' or control characters");
        }
        return sensor;
    }

    static boolean validSensor(String sensor) {
        if (sensor.isEmpty() || sensor.length() > MAX_SENSOR_LENGTH) {
            return false;
        }
        for (int i = 0; i < sensor.length(); i++) {
            char c = sensor.charAt(i);
            if (c == '/' || c == '+' || c == '#' || c == '"' || c == '\\' || Character.isISOControl(c)) {
                return false;
            }
        }
        return true;
    }

    private static long timestamp(Object ts, long arrived) throws BadPayloadException {
        if (ts == null) {
            return arrived;
        }
        if (ts instanceof Double millis) {
            if (!(millis >= 0 && millis < 1e15)) {
                throw new BadPayloadException("\"ts\" " + millis + " is not epoch milliseconds");
            }
            return millis.longValue();
        }
        if (ts instanceof String iso) {
            try {
                return Instant.parse(iso).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new BadPayloadException("\"ts\" '" + printable(iso) + "' is not an ISO-8601 instant");
            }
        }
        throw new BadPayloadException("\"ts\" is neither epoch milliseconds nor an ISO-8601 string");
    }

    static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }

    /**
     * Reads one JSON object. Members that are numbers come back as {@code Double}, strings as
     * {@code String}, {@code true/false} as {@code Boolean}; nested arrays and objects are checked
     * for syntax and stand as the marker {@link #NESTED}; {@code null} members are left out.
     */
    static final class JsonObjectReader {
        static final Object NESTED = new Object();
        private static final int MAX_DEPTH = 32;

        private final String text;
        private int pos;

        JsonObjectReader(String text) {
            this.text = text;
        }

        Map<String, Object> readObject() throws BadPayloadException {
            skipWhitespace();
            if (peek() != '{') {
                throw fail("not a JSON object");
            }
            Map<String, Object> members = new HashMap<>();
            pos++;
            skipWhitespace();
            if (peek() == '}') {
                pos++;
            } else {
                while (true) {
                    skipWhitespace();
                    if (peek() != '"') {
                        throw fail("expected a member name");
                    }
                    String name = string();
                    skipWhitespace();
                    expect(':');
                    Object value = value(1);
                    if (value != null) {
                        members.put(name, value);
                    }
                    skipWhitespace();
                    char c = next();
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw failBefore("expected ',' or '}'", c);
                    }
                }
            }
            skipWhitespace();
            if (pos != text.length()) {
                throw fail("text after the object");
            }
            return members;
        }

        private Object value(int depth) throws BadPayloadException {
            if (depth > MAX_DEPTH) {
                throw fail("nested too deeply");
            }
            skipWhitespace();
            char c = peek();
            switch (c) {
                case '"':
                    return string();
                case '{':
                    pos++;
                    skipWhitespace();
                    if (peek() == '}') {
                        pos++;
                        return NESTED;
                    }
                    while (true) {
                        skipWhitespace();
                        if (peek() != '"') {
                            throw fail("expected a member name");
                        }
                        string();
                        skipWhitespace();
                        expect(':');
                        value(depth + 1);
                        skipWhitespace();
                        char d = next();
                        if (d == '}') {
                            return NESTED;
                        }
                        if (d != ',') {
                            throw failBefore("expected ',' or '}'", d);
                        }
                    }
                case '[':
                    pos++;
                    skipWhitespace();
                    if (peek() == ']') {
                        pos++;
                        return NESTED;
                    }
                    while (true) {
                        value(depth + 1);
                        skipWhitespace();
                        char d = next();
                        if (d == ']') {
                            return NESTED;
                        }
                        if (d != ',') {
                            throw failBefore("expected ',' or ']'", d);
                        }
                    }
                case 't':
                    literal("true");
                    return Boolean.TRUE;
                case 'f':
                    literal("false");
                    return Boolean.FALSE;
                case 'n':
                    literal("null");
                    return null;
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        return number();
                    }
                    throw fail("unexpected " + (c == 0 ? "end" : "'" + c + "'"));
            }
        }

        private Double number() throws BadPayloadException {
            int start = pos;
            if (peek() == '-') {
                pos++;
            }
            if (peek() == '0') {
                pos++;
            } else if (!digits()) {
                throw fail("bad number");
            }
            if (peek() == '.') {
                pos++;
                if (!digits()) {
                    throw fail("bad number");
                }
            }
            if (peek() == 'e' || peek() == 'E') {
                pos++;
                if (peek() == '+' || peek() == '-') {
                    pos++;
                }
                if (!digits()) {
                    throw fail("bad number");
                }
            }
            return Double.valueOf(text.substring(start, pos));
        }

        private boolean digits() {
            int start = pos;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                pos++;
            }
            return pos > start;
        }

        private String string() throws BadPayloadException {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw fail("unterminated string");
                }
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw fail("control character in a string");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = next();
                switch (e) {
                    case '"', '\\', '/' -> out.append(e);
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'u' -> {
                        if (pos + 4 > text.length()) {
                            throw fail("bad \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        } catch (NumberFormatException ex) {
                            throw fail("bad \\u escape");
                        }
                        pos += 4;
                    }
                    default -> throw failBefore("bad escape", e);
                }
            }
        }

        private void literal(String word) throws BadPayloadException {
            if (!text.startsWith(word, pos)) {
                throw fail("bad literal");
            }
            pos += word.length();
        }

        private void expect(char c) throws BadPayloadException {
            char found = next();
            if (found != c) {
                throw failBefore("expected '" + c + "'", found);
            }
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : 0;
        }

        private char next() {
            return pos < text.length() ? text.charAt(pos++) : 0;
        }

        private void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        /** A failure at the character {@link #next()} just consumed (none at the end of the text). */
        private BadPayloadException failBefore(String what, char consumed) {
            return new BadPayloadException("not JSON: " + what + " at offset " + (consumed == 0 ? pos : pos - 1));
        }

        private BadPayloadException fail(String what) {
            return new BadPayloadException("not JSON: " + what + " at offset " + pos);
        }
    }
}
