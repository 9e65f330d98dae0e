package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;
import io.hybridge.api.cloud.ValueType;

import static io.hybridge.cloud.internal.payload.KuraProtoSchema.*;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes a payload in Kura's protobuf format. Fields go out in field-number order, the
 * canonical protobuf serialization, so the output is byte-for-byte predictable; embedded
 * messages are serialized first because protobuf prefixes them with their length.
 */
final class ProtobufPayloadWriter {

    private ProtobufPayloadWriter() {
    }

    static byte[] write(KuraPayload payload) {
        return serialize(out -> {
            if (payload.timestamp() != null) {
                out.writeInt64(PAYLOAD_TIMESTAMP, payload.timestamp().toEpochMilli());
            }
            if (payload.position() != null) {
                out.writeByteArray(PAYLOAD_POSITION, position(payload.position()));
            }
            for (Map.Entry<String, Object> metric : payload.metrics().entrySet()) {
                out.writeByteArray(PAYLOAD_METRIC, metric(metric.getKey(), metric.getValue()));
            }
            if (payload.body() != null) {
                out.writeByteArray(PAYLOAD_BODY, payload.body());
            }
        });
    }

    private static byte[] position(KuraPosition p) {
        return serialize(out -> {
            out.writeDouble(POSITION_LATITUDE, p.latitude());
            out.writeDouble(POSITION_LONGITUDE, p.longitude());
            if (p.altitude() != null) {
                out.writeDouble(POSITION_ALTITUDE, p.altitude());
            }
            if (p.precision() != null) {
                out.writeDouble(POSITION_PRECISION, p.precision());
            }
            if (p.heading() != null) {
                out.writeDouble(POSITION_HEADING, p.heading());
            }
            if (p.speed() != null) {
                out.writeDouble(POSITION_SPEED, p.speed());
            }
            if (p.timestamp() != null) {
                out.writeInt64(POSITION_TIMESTAMP, p.timestamp().toEpochMilli());
            }
            if (p.satellites() != null) {
                out.writeInt32(POSITION_SATELLITES, p.satellites());
            }
            if (p.status() != null) {
                out.writeInt32(POSITION_STATUS, p.status());
            }
        });
    }

    private static byte[] metric(String name, Object value) {
        ValueType type = ValueType.of(value);
        return serialize(out -> {
            out.writeString(METRIC_NAME, name);
            out.writeEnum(METRIC_TYPE, type.wireNumber());
            int field = valueField(type);
            switch (type) {
                case DOUBLE: out.writeDouble(field, (Double) value); break;
                case FLOAT: out.writeFloat(field, (Float) value); break;
                case INT64: out.writeInt64(field, (Long) value); break;
                case INT32: out.writeInt32(field, (Integer) value); break;
                case BOOL: out.writeBool(field, (Boolean) value); break;
                case STRING: out.writeString(field, (String) value); break;
                case BYTES: out.writeByteArray(field, (byte[]) value); break;
                default: throw new AssertionError(type);
            }
        });
    }

    private interface Fields {
        void writeTo(CodedOutputStream out) throws IOException;
    }

    private static byte[] serialize(Fields fields) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        try {
            fields.writeTo(out);
            out.flush();
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail; this would be a bug, not bad input.
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
