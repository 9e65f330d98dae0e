package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Readings in, and every kind of bad payload named rather than thrown at the MQTT client. */
class PayloadParserTest {

    private static final long ARRIVED = 1_767_225_600_000L;
    private final PayloadParser parser = new PayloadParser(TelemetrySettings.sensorLevel("sensors/+/telemetry"));

    private Reading parse(String topic, String json) throws Exception {
        return parser.parse(topic, json.getBytes(StandardCharsets.UTF_8), ARRIVED);
    }

    @Test
    void aFullReading() throws Exception {
        Reading r = parse("sensors/x/telemetry", "{\"sensor\":\"s1\",\"value\":21.5,\"ts\":1767225601234}");
        assertThat(r).isEqualTo(new Reading("s1", 21.5, 1_767_225_601_234L));
    }

    @Test
    void theSensorFromTheTopicAndTheArrivalTimeWhenThePayloadHasNeither() throws Exception {
        Reading r = parse("sensors/boiler-7/telemetry", " {\"value\": -3e2} ");
        assertThat(r).isEqualTo(new Reading("boiler-7", -300, ARRIVED));
    }

    @Test
    void anIsoTimestampAndMembersItDoesNotKnow() throws Exception {
        Reading r = parse("sensors/x/telemetry", "{\"unit\":\"\\u00b0C\",\"value\":0,\"meta\":{\"a\":[1,{\"b\":null}]},"
                + "\"ok\":true,\"sensor\":\"s\\/2\\\"\",\"ts\":\"2026-01-01T00:00:01.5Z\",\"note\":null}".replace("s\\/2\\\"", "s2"));
        assertThat(r).isEqualTo(new Reading("s2", 0, 1_767_225_601_500L));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "21.5                                          | not JSON: not a JSON object at offset 0",
        "[1,2]                                         | not JSON: not a JSON object at offset 0",
        "{\"value\":1                                  | not JSON: expected ',' or '}' at offset 10",
        "{\"value\":1} x                               | not JSON: text after the object at offset 12",
        "{\"value\":01}                                | not JSON: expected ',' or '}' at offset 10",
        "{\"value\":NaN}                               | not JSON: unexpected 'N' at offset 9",
        "{\"sensor\":\"s1\"}                           | no \"value\"",
        "{\"value\":\"21.5\"}                          | \"value\" is not a number",
        "{\"value\":null}                              | no \"value\"",
        "{\"value\":1e999}                             | \"value\" is out of range",
        "{\"value\":1,\"sensor\":7}                    | \"sensor\" is not a string",
        "{\"value\":1,\"sensor\":\"a/b\"}              | sensor id 'a/b' is not 1-64 characters without '/', '+', '#' or control characters",
        "{\"value\":1,\"sensor\":\"\"}                 | sensor id '' is not 1-64 characters without '/', '+', '#' or control characters",
        "{\"value\":1,\"ts\":\"yesterday\"}            | \"ts\" 'yesterday' is not an ISO-8601 instant",
        "{\"value\":1,\"ts\":-5}                       | \"ts\" -5.0 is not epoch milliseconds",
        "{\"value\":1,\"ts\":true}                     | \"ts\" is neither epoch milliseconds nor an ISO-8601 string",
        "{\"value\":1,\"s\":\"\\x\"}                   | not JSON: bad escape at offset 17",
    })
    void badPayloadsSayWhy(String payload, String why) {
        assertThatThrownBy(() -> parse("sensors/x/telemetry", payload))
                .isInstanceOf(PayloadParser.BadPayloadException.class).hasMessage(why);
    }

    @Test
    void noSensorAnywhere() {
        PayloadParser noLevel = new PayloadParser(-1);
        assertThatThrownBy(() -> noLevel.parse("telemetry", "{\"value\":1}".getBytes(StandardCharsets.UTF_8), 0))
                .hasMessage("no \"sensor\" and the topic names none");
    }

    @Test
    void notUtf8AndTooLarge() {
        assertThatThrownBy(() -> parser.parse("sensors/x/telemetry", new byte[] { '{', (byte) 0xff, '}' }, 0))
                .hasMessage("payload is not UTF-8 text");
        byte[] big = new byte[PayloadParser.MAX_PAYLOAD_BYTES + 1];
        assertThatThrownBy(() -> parser.parse("sensors/x/telemetry", big, 0))
                .hasMessageStartingWith("payload of 16385 bytes");
    }

    @Test
    void deepNestingIsRefusedNotAStackOverflow() {
        String deep = "{\"a\":" + "[".repeat(5_000) + "]".repeat(5_000) + ",\"value\":1}";
        assertThatThrownBy(() -> parse("sensors/x/telemetry", deep)).hasMessageStartingWith("not JSON: nested too deeply");
    }
}
