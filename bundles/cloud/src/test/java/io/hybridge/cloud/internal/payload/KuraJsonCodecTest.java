package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;
import io.hybridge.api.cloud.ValueType;

import static io.hybridge.cloud.internal.payload.WireBytes.bytes;
import static io.hybridge.cloud.internal.payload.WireBytes.gzip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KuraJsonCodecTest {
    private static final long SENT_ON = 1_700_000_000_000L;

    /** Written by hand from the documented shape (Kura's simple JSON plus typed objects). */
    private static final String GOLDEN = "{\"sentOn\":1700000000000,"
            + "\"position\":{\"latitude\":46.0,\"longitude\":13.25,\"altitude\":150.5,"
            + "\"satellites\":7,\"timestamp\":1700000000000,\"status\":1},"
            + "\"metrics\":{\"temp\":21.5,\"ratio\":{\"float\":0.25},\"count\":-2,"
            + "\"port\":{\"int32\":-5},\"on\":true,\"site\":\"north\",\"raw\":{\"bytes\":\"AQID\"}},"
            + "\"body\":\"aGk=\"}";

    private static final KuraPayload EXPECTED = KuraPayload.builder()
            .timestamp(Instant.ofEpochMilli(SENT_ON))
            .position(KuraPosition.builder(46.0, 13.25).altitude(150.5)
                    .timestamp(Instant.ofEpochMilli(SENT_ON)).satellites(7).status(1).build())
            .metric("temp", 21.5)
            .metric("ratio", 0.25f)
            .metric("count", -2L)
            .metric("port", -5)
            .metric("on", true)
            .metric("site", "north")
            .metric("raw", bytes(1, 2, 3))
            .body("hi".getBytes(StandardCharsets.US_ASCII))
            .build();

    private final KuraJsonCodec codec = new KuraJsonCodec();

    @Test
    void goldenJsonDecodesToTheExpectedPayload() throws Exception {
        assertThat(codec.decode(utf8(GOLDEN))).isEqualTo(EXPECTED);
    }

    @Test
    void encoderWritesTheGoldenJson() throws Exception {
        assertThat(new String(codec.encode(EXPECTED), StandardCharsets.UTF_8)).isEqualTo(GOLDEN);
    }

    static Stream<Arguments> everyValueType() {
        return Stream.of(
                Arguments.of(ValueType.DOUBLE, 21.0),
                Arguments.of(ValueType.DOUBLE, 1e300),
                Arguments.of(ValueType.DOUBLE, -4.9e-324),
                Arguments.of(ValueType.DOUBLE, Double.NaN),
                Arguments.of(ValueType.DOUBLE, Double.POSITIVE_INFINITY),
                Arguments.of(ValueType.FLOAT, 0.1f),
                Arguments.of(ValueType.FLOAT, 3.4028235e38f),
                Arguments.of(ValueType.FLOAT, Float.NEGATIVE_INFINITY),
                Arguments.of(ValueType.INT64, Long.MIN_VALUE),
                Arguments.of(ValueType.INT64, 0L),
                Arguments.of(ValueType.INT32, Integer.MAX_VALUE),
                Arguments.of(ValueType.BOOL, false),
                Arguments.of(ValueType.STRING, "\"quoted\" \\ Grüße 温度\n"),
                Arguments.of(ValueType.BYTES, new byte[0]),
                Arguments.of(ValueType.BYTES, bytes(0xff, 0x00, 0x7f)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyValueType")
    void everyValueTypeRoundTripsWithItsType(ValueType type, Object value) throws Exception {
        KuraPayload payload = KuraPayload.builder().metric("m", value).build();

        KuraPayload decoded = codec.decode(codec.encode(payload));

        assertThat(decoded).isEqualTo(payload);
        assertThat(ValueType.of(decoded.metric("m"))).isEqualTo(type);
    }

    @Test
    void positionWithEveryFieldAndBodyRoundTrip() throws Exception {
        KuraPayload payload = KuraPayload.builder()
                .position(KuraPosition.builder(-33.8688, 151.2093).altitude(-12.5)
                        .precision(2.5).heading(359.9).speed(13.4)
                        .timestamp(Instant.parse("2024-02-29T12:34:56.789Z"))
                        .satellites(11).status(-3).build())
                .body(bytes(0, 1, 0xfe, 0xff))
                .build();

        assertThat(codec.decode(codec.encode(payload))).isEqualTo(payload);
    }

    @Test
    void emptyPayloadIsAnObjectWithEmptyMetrics() throws Exception {
        KuraPayload empty = KuraPayload.builder().build();

        assertThat(new String(codec.encode(empty), StandardCharsets.UTF_8))
                .isEqualTo("{\"metrics\":{}}");
        assertThat(codec.decode(utf8("{}"))).isEqualTo(empty);
    }

    @Test
    void jsonAsKuraWritesItDecodesAsKuraReadsIt() throws Exception {
        // Kura's encoder writes every metric as a plain value and member names in any case
        // are accepted by its decoder; integers read as INT64, fractions as DOUBLE.
        String fromKura = "{\"SentOn\":5,\"metrics\":{\"count\":7,\"temp\":20.5,\"e\":1E3,"
                + "\"raw\":\"AQID\",\"small\":{\"int\":3},\"big\":{\"long\":9}},\"BODY\":\"\"}";

        KuraPayload decoded = codec.decode(utf8(fromKura));

        assertThat(decoded).isEqualTo(KuraPayload.builder().timestamp(5L)
                .metric("count", 7L).metric("temp", 20.5).metric("e", 1000.0)
                .metric("raw", "AQID").metric("small", 3).metric("big", 9L)
                .body(new byte[0]).build());
    }

    @Test
    void gzipCompressedJsonDecodes() throws Exception {
        assertThat(codec.decode(gzip(utf8(GOLDEN)))).isEqualTo(EXPECTED);
    }

    @Test
    void gzipBombIsRefused() {
        KuraJsonCodec smallLimit = new KuraJsonCodec(1000);

        assertThatThrownBy(() -> smallLimit.decode(gzip(new byte[5000])))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("more than 1000 bytes");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("{\"metrics\": {", "not a JSON payload: "),
                Arguments.of("not json", "not a JSON payload: "),
                Arguments.of("", "not a JSON payload: "),
                Arguments.of("[1, 2]", "not a JSON payload: "),
                Arguments.of("{} {}", "not a JSON payload: text continues after the top-level object"),
                Arguments.of("{\"metrics\":{\"a\":1,\"a\":2}}", "not a JSON payload: "),
                Arguments.of("{\"metric\":{}}",
                        "JSON payload: unknown member 'metric' (expected sentOn, position, metrics, body)"),
                Arguments.of("{\"sentOn\":\"yesterday\"}",
                        "JSON payload: sentOn is the string \"yesterday\"; expected an integer"),
                Arguments.of("{\"sentOn\":1.5}", "JSON payload: sentOn is the number 1.5; expected an integer"),
                Arguments.of("{\"metrics\":[]}", "JSON payload: metrics is an array; expected an object"),
                Arguments.of("{\"metrics\":{\"a\":null}}", "JSON payload: metric 'a' is null"),
                Arguments.of("{\"metrics\":{\"a\":[1]}}", "JSON payload: metric 'a' is an array"),
                Arguments.of("{\"metrics\":{\"a\":{\"int32\":1,\"float\":2}}}",
                        "JSON payload: metric 'a' is an object with 2 members"),
                Arguments.of("{\"metrics\":{\"a\":{\"decimal\":1}}}",
                        "JSON payload: metric 'a' has unknown type 'decimal'"),
                Arguments.of("{\"metrics\":{\"a\":{\"int32\":3000000000}}}",
                        "JSON payload: metric 'a' = 3000000000 is out of the 32-bit integer range"),
                Arguments.of("{\"metrics\":{\"a\":99999999999999999999}}",
                        "JSON payload: metric 'a' = 99999999999999999999 is out of the 64-bit integer range"),
                Arguments.of("{\"metrics\":{\"a\":{\"bool\":1}}}",
                        "JSON payload: metric 'a' is the number 1; expected true or false"),
                Arguments.of("{\"metrics\":{\"a\":{\"bytes\":\"!!\"}}}",
                        "JSON payload: metric 'a' is not valid base64"),
                Arguments.of("{\"metrics\":{\"a\":{\"double\":\"lots\"}}}",
                        "JSON payload: metric 'a' is the string \"lots\"; expected a number, \"NaN\""),
                Arguments.of("{\"body\":42}", "JSON payload: body is the number 42; expected a base64 string"),
                Arguments.of("{\"position\":{\"latitude\":1}}",
                        "JSON payload: position has no longitude"),
                Arguments.of("{\"position\":{\"latitude\":1,\"longitude\":2,\"elevation\":3}}",
                        "JSON payload: unknown member 'position.elevation'"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("malformed")
    void malformedJsonIsRefusedSayingWhatIsWrong(String json, String expectedMessageStart) {
        assertThatThrownBy(() -> codec.decode(utf8(json)))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith(expectedMessageStart);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
