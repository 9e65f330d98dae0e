package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;

import static io.hybridge.cloud.internal.payload.WireBytes.ascii;
import static io.hybridge.cloud.internal.payload.WireBytes.bytes;
import static io.hybridge.cloud.internal.payload.WireBytes.concat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Wire compatibility with Kura, proven independently of the codec: the golden bytes below are
 * assembled by hand from the protobuf encoding spec and Kura's kurapayload.proto (a tag is
 * {@code field << 3 | wireType} as a varint; wire types 0 varint, 1 64-bit little-endian,
 * 2 length-delimited, 5 32-bit little-endian; int32/int64 negatives are 10-byte
 * two's-complement varints).
 */
class KuraProtobufGoldenTest {
    private static final long SENT_ON = 1_700_000_000_000L;

    private static final byte[] POSITION = concat(
            bytes(0x09), bytes(0, 0, 0, 0, 0, 0, 0x47, 0x40),          // 1 latitude  46.0
            bytes(0x11), bytes(0, 0, 0, 0, 0, 0x80, 0x2a, 0x40),       // 2 longitude 13.25
            bytes(0x19), bytes(0, 0, 0, 0, 0, 0xd0, 0x62, 0x40),       // 3 altitude 150.5
            bytes(0x38), bytes(0x80, 0xd0, 0x95, 0xff, 0xbc, 0x31),    // 7 timestamp SENT_ON
            bytes(0x40, 0x07),                                          // 8 satellites 7
            bytes(0x48, 0x01));                                         // 9 status 1

    private static final byte[] METRIC_TEMP = concat(
            bytes(0x0a, 4), ascii("temp"),                              // 1 name
            bytes(0x10, 0),                                             // 2 type DOUBLE
            bytes(0x19), bytes(0, 0, 0, 0, 0, 0x80, 0x35, 0x40));      // 3 double_value 21.5
    private static final byte[] METRIC_RATIO = concat(
            bytes(0x0a, 5), ascii("ratio"),
            bytes(0x10, 1),                                             // FLOAT
            bytes(0x25), bytes(0, 0, 0x80, 0x3e));                     // 4 float_value 0.25
    private static final byte[] METRIC_COUNT = concat(
            bytes(0x0a, 5), ascii("count"),
            bytes(0x10, 2),                                             // INT64
            bytes(0x28, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)); // 5 long_value -2
    private static final byte[] METRIC_PORT = concat(
            bytes(0x0a, 4), ascii("port"),
            bytes(0x10, 3),                                             // INT32
            bytes(0x30, 0xfb, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)); // 6 int_value -5
    private static final byte[] METRIC_ON = concat(
            bytes(0x0a, 2), ascii("on"),
            bytes(0x10, 4),                                             // BOOL
            bytes(0x38, 1));                                            // 7 bool_value true
    private static final byte[] METRIC_SITE = concat(
            bytes(0x0a, 4), ascii("site"),
            bytes(0x10, 5),                                             // STRING
            bytes(0x42, 5), ascii("north"));                            // 8 string_value
    private static final byte[] METRIC_RAW = concat(
            bytes(0x0a, 3), ascii("raw"),
            bytes(0x10, 6),                                             // BYTES
            bytes(0x4a, 3, 1, 2, 3));                                   // 9 bytes_value

    // Field 5000, wire type 2: 5000 << 3 | 2 = 40002 = varint c2 b8 02; field 5001: ca b8 02.
    private static final byte[] GOLDEN = concat(
            bytes(0x08), bytes(0x80, 0xd0, 0x95, 0xff, 0xbc, 0x31),    // 1 timestamp SENT_ON
            bytes(0x12, 38), POSITION,                                  // 2 position
            bytes(0xc2, 0xb8, 0x02, 17), METRIC_TEMP,                   // 5000 metric
            bytes(0xc2, 0xb8, 0x02, 14), METRIC_RATIO,
            bytes(0xc2, 0xb8, 0x02, 20), METRIC_COUNT,
            bytes(0xc2, 0xb8, 0x02, 19), METRIC_PORT,
            bytes(0xc2, 0xb8, 0x02, 8), METRIC_ON,
            bytes(0xc2, 0xb8, 0x02, 15), METRIC_SITE,
            bytes(0xc2, 0xb8, 0x02, 12), METRIC_RAW,
            bytes(0xca, 0xb8, 0x02, 2), ascii("hi"));                   // 5001 body

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
            .body(ascii("hi"))
            .build();

    private final KuraProtobufCodec codec = new KuraProtobufCodec();

    @Test
    void handAssembledKuraBytesDecodeToTheExpectedPayload() throws Exception {
        KuraPayload decoded = codec.decode(GOLDEN);

        assertThat(decoded).isEqualTo(EXPECTED);
        assertThat(decoded.metrics().values()).extracting(v -> v.getClass().getSimpleName())
                .containsExactly("Double", "Float", "Long", "Integer", "Boolean", "String", "byte[]");
    }

    @Test
    void encoderWritesExactlyTheGoldenBytes() throws Exception {
        // Canonical field order makes the encoding unique, so compare byte for byte.
        assertThat(codec.encode(EXPECTED)).containsExactly(GOLDEN);
        assertThat(codec.decode(codec.encode(EXPECTED))).isEqualTo(EXPECTED);
    }

    @Test
    void extensionsAndUnknownFieldsAreSkipped() throws Exception {
        byte[] withExtras = concat(
                bytes(0x18, 0x2a),                                      // 3 (extension) varint 42
                bytes(0xa2, 0x06, 3), ascii("ext"),                     // 100 (extension) bytes
                bytes(0xbd, 0x02, 1, 2, 3, 4),                          // 39 (extension) fixed32
                bytes(0x1b, 0x08, 0x01, 0x1c),                          // 3 as a group {1: 1}
                bytes(0xc2, 0xb8, 0x02, 12),                            // 5000 metric with
                bytes(0x0a, 1), ascii("n"), bytes(0x10, 3, 0x30, 9),    //   name n, INT32 9,
                bytes(0x50, 0x01, 0x5a, 1), ascii("x"),                 //   unknown 10 and 11
                bytes(0xd0, 0xb8, 0x02, 0x05));                          // 5002 unknown varint

        assertThat(codec.decode(withExtras))
                .isEqualTo(KuraPayload.builder().metric("n", 9).build());
    }

    @Test
    void repeatedPositionIsMergedAsProto2Requires() throws Exception {
        byte[] split = concat(
                bytes(0x12, 9, 0x09), bytes(0, 0, 0, 0, 0, 0, 0x47, 0x40),   // latitude 46.0
                bytes(0x12, 9, 0x11), bytes(0, 0, 0, 0, 0, 0x80, 0x2a, 0x40)); // longitude 13.25

        assertThat(codec.decode(split).position())
                .isEqualTo(KuraPosition.builder(46.0, 13.25).build());
    }

    @Test
    void emptyInputIsAnEmptyPayload() throws Exception {
        assertThat(codec.decode(new byte[0])).isEqualTo(KuraPayload.builder().build());
    }
}
