package io.hybridge.cloud.internal.route;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Reads the number an aggregating route aggregates: a payload that is a decimal number as UTF-8
 * text ({@code 21.5}, {@code -3}, {@code 1.2e3}), which is also what a JSON document holding
 * just a number looks like. Surrounding white space is allowed. Anything else is rejected with
 * the reason, for the route's log.
 */
final class NumericPayload {

    /** Longer payloads are not numbers a sensor sends; refusing them early keeps the check cheap. */
    static final int MAX_LENGTH = 64;
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private NumericPayload() {
    }

    /**
     * @throws RejectedMessageException saying why the payload is not a number
     */
    static double parse(byte[] payload) throws RejectedMessageException {
        if (payload.length == 0) {
            throw new RejectedMessageException("empty payload; expected a number such as 21.5");
        }
        if (payload.length > MAX_LENGTH) {
            throw new RejectedMessageException(payload.length + " bytes, too long for a number (at most "
                    + MAX_LENGTH + "); expected a number such as 21.5");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(payload)).toString().strip();
        } catch (CharacterCodingException e) {
            throw new RejectedMessageException("not UTF-8 text; expected a number such as 21.5");
        }
        if (!NUMBER.matcher(text).matches()) {
            throw new RejectedMessageException("'" + text + "' is not a number; expected e.g. 21.5, -3 or 1.2e3"
                    + " (as text or a JSON number)");
        }
        double value = Double.parseDouble(text);
        if (Double.isInfinite(value)) {
            throw new RejectedMessageException("'" + text + "' is out of the range of a double");
        }
        return value;
    }
}
