package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;
import io.hybridge.api.cloud.ValueType;

import static io.hybridge.cloud.internal.payload.WireBytes.ascii;
import static io.hybridge.cloud.internal.payload.WireBytes.bytes;
import static io.hybridge.cloud.internal.payload.WireBytes.concat;
import static io.hybridge.cloud.internal.payload.WireBytes.gzip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KuraProtobufCodecTest {
    private final KuraProtobufCodec codec = new KuraProtobufCodec();

    static Stream<Arguments> everyValueType() {
        return Stream.of(
                Arguments.of(ValueType.DOUBLE, 21.5),
                Arguments.of(ValueType.DOUBLE, -0.0),
                Arguments.of(ValueType.DOUBLE, Double.NaN),
                Arguments.of(ValueType.DOUBLE, Double.NEGATIVE_INFINITY),
                Arguments.of(ValueType.FLOAT, 0.1f),
                Arguments.of(ValueType.FLOAT, Float.MAX_VALUE),
                Arguments.of(ValueType.INT64, Long.MIN_VALUE),
                Arguments.of(ValueType.INT64, Long.MAX_VALUE),
                Arguments.of(ValueType.INT32, Integer.MIN_VALUE),
                Arguments.of(ValueType.INT32, -1),
                Arguments.of(ValueType.BOOL, false),
                Arguments.of(ValueType.STRING, ""),
                Arguments.of(ValueType.STRING, "Grüße, 温度 ✓"),
                Arguments.of(ValueType.BYTES, new byte[0]),
                Arguments.of(ValueType.BYTES, bytes(0x00, 0xff, 0x1f, 0x8b)));
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
    void positionWithEveryFieldRoundTrips() throws Exception {
        KuraPosition position = KuraPosition.builder(-33.8688, 151.2093).altitude(-12.5)
                .precision(2.5).heading(359.9).speed(13.4)
                .timestamp(Instant.parse("2024-02-29T12:34:56.789Z"))
                .satellites(11).status(-3).build();
        KuraPayload payload = KuraPayload.builder().position(position).build();

        assertThat(codec.decode(codec.encode(payload)).position()).isEqualTo(position);
    }

    @Test
    void positionWithOnlyRequiredFieldsRoundTrips() throws Exception {
        KuraPayload payload = KuraPayload.builder()
                .position(KuraPosition.builder(0, 0).build()).build();

        KuraPosition decoded = codec.decode(codec.encode(payload)).position();

        assertThat(decoded).isEqualTo(KuraPosition.builder(0, 0).build());
        assertThat(decoded.altitude()).isNull();
        assertThat(decoded.timestamp()).isNull();
    }

    @Test
    void bodyAndTimestampRoundTripAndMetricOrderIsKept() throws Exception {
        KuraPayload payload = KuraPayload.builder()
                .timestamp(Instant.parse("1969-12-31T23:59:59.999Z"))
                .metric("z", 1).metric("a", 2).metric("m", 3)
                .body(new byte[70_000])
                .build();

        KuraPayload decoded = codec.decode(codec.encode(payload));

        assertThat(decoded).isEqualTo(payload);
        assertThat(decoded.metricNames()).containsExactly("z", "a", "m");
    }

    @Test
    void gzipCompressedInputDecodes() throws Exception {
        KuraPayload payload = KuraPayload.builder().timestamp(42L).metric("temp", 21.5)
                .body(ascii("x".repeat(1000))).build();

        assertThat(codec.decode(gzip(codec.encode(payload)))).isEqualTo(payload);
    }

    @Test
    void gzipBombBeyondTheLimitIsRefused() {
        byte[] bomb = gzip(new byte[2 * 1024 * 1024]); // a few KiB inflating to 2 MiB
        KuraProtobufCodec smallLimit = new KuraProtobufCodec(1024 * 1024);

        assertThatThrownBy(() -> smallLimit.decode(bomb))
                .isInstanceOf(PayloadException.class)
                .hasMessage("gzip payload inflates to more than 1048576 bytes, the configured"
                        + " limit; refusing it");
    }

    @Test
    void gzipBombBeyondTheDefaultLimitIsRefused() {
        byte[] bomb = gzip(new byte[17 * 1024 * 1024]);

        assertThat(bomb.length).isLessThan(64 * 1024);
        assertThatThrownBy(() -> codec.decode(bomb))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("more than 16777216 bytes");
    }

    @Test
    void corruptGzipIsReportedAsSuch() {
        byte[] compressed = gzip(codec.encode(KuraPayload.builder().metric("a", 1).build()));
        byte[] corrupt = compressed.clone();
        Arrays.fill(corrupt, 10, corrupt.length - 8, (byte) 0xff);

        assertThatThrownBy(() -> codec.decode(corrupt))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("gzip stream corrupt");
        assertThatThrownBy(() -> codec.decode(Arrays.copyOf(compressed, compressed.length / 2)))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("gzip stream corrupt");
    }

    @Test
    void truncatedPayloadSaysWhere() {
        byte[] full = codec.encode(KuraPayload.builder().metric("temp", 21.5).build());
        byte[] truncated = Arrays.copyOf(full, full.length - 3);

        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOf(PayloadException.class)
                .hasMessage("not a KuraPayload: truncated at byte 4 (in metric #0)");
    }

    @Test
    void truncatedInsideAMetricSaysWhichMetric() {
        // The metric's length (9) matches the bytes present, but its double_value is cut short.
        byte[] cut = concat(bytes(0xc2, 0xb8, 0x02, 9), bytes(0x0a, 4), ascii("temp"),
                bytes(0x19, 0, 0));

        assertThatThrownBy(() -> codec.decode(cut))
                .isInstanceOf(PayloadException.class)
                .hasMessage("not a KuraPayload: truncated at byte 11 (in metric #0 'temp')");
    }

    @Test
    void knownFieldWithWrongWireTypeIsNamed() {
        byte[] timestampAsString = concat(bytes(0x0a, 2), ascii("hi")); // field 1, wire type 2

        assertThatThrownBy(() -> codec.decode(timestampAsString))
                .isInstanceOf(PayloadException.class)
                .hasMessage("not a KuraPayload: KuraPayload.timestamp (field 1) at byte 0 has"
                        + " wire type 2 (length-delimited), expected 0 (varint)");
    }

    @Test
    void invalidWireTypeIsRefused() {
        // Field 3, wire type 7: also why a leading 0x1f can only mean gzip.
        assertThatThrownBy(() -> codec.decode(bytes(0x1f, 0x00)))
                .isInstanceOf(PayloadException.class)
                .hasMessage("not a KuraPayload: field 3 at byte 0 in payload has wire type"
                        + " 7 (not a protobuf wire type)");
        assertThatThrownBy(() -> codec.decode(bytes(0x0f, 0x00)))
                .isInstanceOf(PayloadException.class)
                .hasMessage("not a KuraPayload: KuraPayload.timestamp (field 1) at byte 0 has"
                        + " wire type 7 (not a protobuf wire type), expected 0 (varint)");
    }

    @Test
    void metricWithoutItsValueFieldIsRefused() {
        byte[] noValue = concat(bytes(0xc2, 0xb8, 0x02, 8), bytes(0x0a, 4), ascii("temp"),
                bytes(0x10, 0));                                       // DOUBLE, no double_value

        assertThatThrownBy(() -> codec.decode(noValue))
                .isInstanceOf(PayloadException.class)
                .hasMessage("metric 'temp': type DOUBLE but no double_value");
    }

    @Test
    void metricWithTheWrongValueFieldIsRefused() {
        byte[] wrongValue = concat(bytes(0xc2, 0xb8, 0x02, 10), bytes(0x0a, 4), ascii("temp"),
                bytes(0x10, 3, 0x28, 7));                              // INT32 but long_value

        assertThatThrownBy(() -> codec.decode(wrongValue))
                .isInstanceOf(PayloadException.class)
                .hasMessage("metric 'temp': type INT32 but no int_value");
    }

    @Test
    void metricWithoutNameOrTypeOrWithUnknownTypeIsRefused() {
        assertThatThrownBy(() -> codec.decode(bytes(0xc2, 0xb8, 0x02, 4, 0x10, 3, 0x30, 1)))
                .isInstanceOf(PayloadException.class)
                .hasMessage("metric #0 has no name (KuraMetric.name is required)");
        assertThatThrownBy(() -> codec.decode(concat(bytes(0xc2, 0xb8, 0x02, 5, 0x0a, 1),
                ascii("a"), bytes(0x30, 1))))
                .isInstanceOf(PayloadException.class)
                .hasMessage("metric 'a' has no type (KuraMetric.type is required)");
        assertThatThrownBy(() -> codec.decode(concat(bytes(0xc2, 0xb8, 0x02, 5, 0x0a, 1),
                ascii("a"), bytes(0x10, 9))))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("metric 'a': unknown type 9");
    }

    @Test
    void positionWithoutLongitudeIsRefused() {
        byte[] latitudeOnly = concat(bytes(0x12, 9, 0x09), new byte[8]);

        assertThatThrownBy(() -> codec.decode(latitudeOnly))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("position has no longitude");
    }

    @Test
    void textIsNotAPayload() {
        Throwable thrown = catchThrowable(() -> codec.decode(ascii("{\"temp\": 21.5}")));

        assertThat(thrown).isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("not a KuraPayload: ");
    }

    @Test
    void randomBytesNeverEscapeAsAnythingButPayloadException() {
        // Random input often parses (unknown fields are legal), but when it does not, the only
        // failure allowed is a PayloadException with a message, never a runtime exception.
        Random random = new Random(20240229L);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] data = new byte[random.nextInt(64)];
            random.nextBytes(data);
            Throwable thrown = catchThrowable(() -> codec.decode(data));
            if (thrown != null) {
                assertThat(thrown).isInstanceOf(PayloadException.class);
                assertThat(thrown.getMessage()).isNotBlank();
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(10_000);
    }

    @Test
    void hugeDeclaredLengthIsTruncationNotAnAllocation() {
        byte[] claimsTwoGigabytes = bytes(0xca, 0xb8, 0x02, 0xff, 0xff, 0xff, 0xff, 0x07, 1);

        assertThatThrownBy(() -> codec.decode(claimsTwoGigabytes))
                .isInstanceOf(PayloadException.class)
                .hasMessageStartingWith("not a KuraPayload: truncated at byte");
    }

    @Test
    void deeplyNestedUnknownGroupsAreRefusedNotAStackOverflow() {
        byte[] nested = new byte[200_000];
        Arrays.fill(nested, (byte) 0x1b);                               // field 3, start group

        assertThatThrownBy(() -> codec.decode(nested))
                .isInstanceOf(PayloadException.class)
                .hasMessageContaining("nested");
    }
}
