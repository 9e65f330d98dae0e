package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;
import io.hybridge.api.cloud.ValueType;

import static io.hybridge.cloud.internal.payload.KuraProtoSchema.*;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads one payload in Kura's protobuf format, with proto2 semantics: unknown fields and the
 * extensions 3 to 4999 are skipped, a repeated scalar field keeps its last value, a repeated
 * position is merged. Unlike protobuf's generated code it refuses a known field with the wrong
 * wire type and a metric whose value field is missing, because accepting them silently would
 * turn a broken sender into wrong data (Kura reads a missing double_value as 0.0).
 *
 * <p>One instance reads one message; {@link #read(byte[])} is the entry point.
 */
final class ProtobufPayloadReader {
    private final CodedInputStream in;
    private String inside = "payload";
    private int tagStart;

    private ProtobufPayloadReader(byte[] data) {
        this.in = CodedInputStream.newInstance(data);
    }

    static KuraPayload read(byte[] data) throws PayloadException {
        ProtobufPayloadReader reader = new ProtobufPayloadReader(data);
        try {
            // Bound the whole message so an embedded length that runs past the end is reported
            // as truncation instead of being read as "the embedded message ends here".
            reader.in.pushLimit(data.length);
            return reader.readPayload();
        } catch (InvalidProtocolBufferException e) {
            throw reader.notAPayload(e);
        } catch (IOException e) {
            throw new PayloadException("not a KuraPayload: " + e.getMessage(), e);
        }
    }

    private KuraPayload readPayload() throws IOException, PayloadException {
        KuraPayload.Builder payload = KuraPayload.builder();
        PositionFields position = null;
        int metricIndex = 0;
        for (int tag = nextTag(); tag != 0; tag = nextTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case PAYLOAD_TIMESTAMP:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraPayload.timestamp");
                    payload.timestamp(in.readInt64());
                    break;
                case PAYLOAD_POSITION:
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "KuraPayload.position");
                    position = readPosition(position == null ? new PositionFields() : position);
                    break;
                case PAYLOAD_METRIC:
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "KuraPayload.metric");
                    readMetric(payload, metricIndex++);
                    break;
                case PAYLOAD_BODY:
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "KuraPayload.body");
                    payload.body(in.readByteArray());
                    break;
                default:
                    skip(tag);
            }
        }
        if (position != null) {
            payload.position(position.toPosition());
        }
        return payload.build();
    }

    private PositionFields readPosition(PositionFields p) throws IOException, PayloadException {
        inside = "position";
        int outer = in.pushLimit(in.readRawVarint32());
        for (int tag = nextTag(); tag != 0; tag = nextTag()) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case POSITION_LATITUDE: p.latitude = readDouble(tag, "KuraPosition.latitude"); break;
                case POSITION_LONGITUDE: p.longitude = readDouble(tag, "KuraPosition.longitude"); break;
                case POSITION_ALTITUDE: p.altitude = readDouble(tag, "KuraPosition.altitude"); break;
                case POSITION_PRECISION: p.precision = readDouble(tag, "KuraPosition.precision"); break;
                case POSITION_HEADING: p.heading = readDouble(tag, "KuraPosition.heading"); break;
                case POSITION_SPEED: p.speed = readDouble(tag, "KuraPosition.speed"); break;
                case POSITION_TIMESTAMP:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraPosition.timestamp");
                    p.timestamp = in.readInt64();
                    break;
                case POSITION_SATELLITES:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraPosition.satellites");
                    p.satellites = in.readInt32();
                    break;
                case POSITION_STATUS:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraPosition.status");
                    p.status = in.readInt32();
                    break;
                default:
                    skip(tag);
            }
        }
        in.popLimit(outer);
        inside = "payload";
        return p;
    }

    private void readMetric(KuraPayload.Builder payload, int index) throws IOException, PayloadException {
        inside = "metric #" + index;
        int outer = in.pushLimit(in.readRawVarint32());
        String name = null;
        Integer typeNumber = null;
        Object[] valueByField = new Object[METRIC_BYTES_VALUE + 1];
        for (int tag = nextTag(); tag != 0; tag = nextTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            switch (field) {
                case METRIC_NAME:
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "KuraMetric.name");
                    name = in.readString();
                    inside = "metric #" + index + " '" + name + "'";
                    break;
                case METRIC_TYPE:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraMetric.type");
                    typeNumber = in.readEnum();
                    break;
                case METRIC_DOUBLE_VALUE:
                    valueByField[field] = readDouble(tag, "KuraMetric.double_value");
                    break;
                case METRIC_FLOAT_VALUE:
                    expect(tag, WireFormat.WIRETYPE_FIXED32, "KuraMetric.float_value");
                    valueByField[field] = in.readFloat();
                    break;
                case METRIC_LONG_VALUE:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraMetric.long_value");
                    valueByField[field] = in.readInt64();
                    break;
                case METRIC_INT_VALUE:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraMetric.int_value");
                    valueByField[field] = in.readInt32();
                    break;
                case METRIC_BOOL_VALUE:
                    expect(tag, WireFormat.WIRETYPE_VARINT, "KuraMetric.bool_value");
                    valueByField[field] = in.readBool();
                    break;
                case METRIC_STRING_VALUE:
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "KuraMetric.string_value");
                    valueByField[field] = in.readString();
                    break;
                case METRIC_BYTES_VALUE:
                    expect(tag, WireFormat.WIRETYPE_LENGTH_DELIMITED, "KuraMetric.bytes_value");
                    valueByField[field] = in.readByteArray();
                    break;
                default:
                    skip(tag);
            }
        }
        in.popLimit(outer);
        inside = "payload";
        payload.metric(name, checkedValue(index, name, typeNumber, valueByField));
    }

    private static Object checkedValue(int index, String name, Integer typeNumber,
            Object[] valueByField) throws PayloadException {
        if (name == null) {
            throw new PayloadException("metric #" + index + " has no name"
                    + " (KuraMetric.name is required)");
        }
        if (typeNumber == null) {
            throw new PayloadException("metric '" + name + "' has no type"
                    + " (KuraMetric.type is required)");
        }
        ValueType type = ValueType.fromWireNumber(typeNumber);
        if (type == null) {
            throw new PayloadException("metric '" + name + "': unknown type " + typeNumber
                    + " (known: 0 DOUBLE, 1 FLOAT, 2 INT64, 3 INT32, 4 BOOL, 5 STRING, 6 BYTES)");
        }
        Object value = valueByField[valueField(type)];
        if (value == null) {
            throw new PayloadException("metric '" + name + "': type " + type + " but no "
                    + valueFieldName(type));
        }
        return value;
    }

    private int nextTag() throws IOException {
        tagStart = in.getTotalBytesRead();
        return in.readTag();
    }

    private double readDouble(int tag, String field) throws IOException, PayloadException {
        expect(tag, WireFormat.WIRETYPE_FIXED64, field);
        return in.readDouble();
    }

    private void expect(int tag, int wireType, String field) throws PayloadException {
        int actual = WireFormat.getTagWireType(tag);
        if (actual != wireType) {
            throw new PayloadException("not a KuraPayload: " + field + " (field "
                    + WireFormat.getTagFieldNumber(tag) + ") at byte " + tagStart
                    + " has wire type " + describeWireType(actual) + ", expected "
                    + describeWireType(wireType));
        }
    }

    private void skip(int tag) throws IOException, PayloadException {
        int wireType = WireFormat.getTagWireType(tag);
        if (wireType == WireFormat.WIRETYPE_END_GROUP || wireType > WireFormat.WIRETYPE_FIXED32) {
            throw new PayloadException("not a KuraPayload: field "
                    + WireFormat.getTagFieldNumber(tag) + " at byte " + tagStart + " in " + inside
                    + " has wire type " + describeWireType(wireType));
        }
        in.skipField(tag);
    }

    private PayloadException notAPayload(InvalidProtocolBufferException e) {
        String reason = e.getMessage();
        // protobuf reports every kind of running out of input with one message mentioning
        // truncation, and nesting beyond its recursion limit with advice meant for a
        // programmer; say both in fewer words, and say where.
        if (reason != null && reason.contains("truncated")) {
            reason = "truncated";
        } else if (reason != null && reason.contains("levels of nesting")) {
            reason = "groups nested more than 100 levels deep";
        }
        return new PayloadException("not a KuraPayload: " + reason + " at byte "
                + in.getTotalBytesRead() + " (in " + inside + ")", e);
    }

    private static String describeWireType(int wireType) {
        switch (wireType) {
            case WireFormat.WIRETYPE_VARINT: return "0 (varint)";
            case WireFormat.WIRETYPE_FIXED64: return "1 (64-bit)";
            case WireFormat.WIRETYPE_LENGTH_DELIMITED: return "2 (length-delimited)";
            case WireFormat.WIRETYPE_START_GROUP: return "3 (start group)";
            case WireFormat.WIRETYPE_END_GROUP: return "4 (end group) without a matching start";
            case WireFormat.WIRETYPE_FIXED32: return "5 (32-bit)";
            default: return wireType + " (not a protobuf wire type)";
        }
    }

    /** The position fields seen so far; proto2 merges repeated occurrences of a message field. */
    private static final class PositionFields {
        Double latitude;
        Double longitude;
        Double altitude;
        Double precision;
        Double heading;
        Double speed;
        Long timestamp;
        Integer satellites;
        Integer status;

        KuraPosition toPosition() throws PayloadException {
            if (latitude == null || longitude == null) {
                throw new PayloadException("position has no "
                        + (latitude == null ? "latitude" : "longitude")
                        + " (KuraPosition.latitude and .longitude are required)");
            }
            return KuraPosition.builder(latitude, longitude)
                    .altitude(altitude).precision(precision).heading(heading).speed(speed)
                    .timestamp(timestamp == null ? null : Instant.ofEpochMilli(timestamp))
                    .satellites(satellites).status(status)
                    .build();
        }
    }
}
