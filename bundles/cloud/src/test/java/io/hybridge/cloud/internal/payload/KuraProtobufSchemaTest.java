package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;
import io.hybridge.api.cloud.ValueType;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Label;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto.Type;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cross-checks the hand-written codec against protobuf-java's own reflection, using a
 * descriptor built from Kura's kurapayload.proto (proto2, required fields and all): what the
 * codec writes, protobuf parses as a complete KuraPayload; what protobuf writes, the codec reads.
 */
class KuraProtobufSchemaTest {
    private static final Descriptor KURA_PAYLOAD = kuraPayloadDescriptor();
    private static final Descriptor KURA_METRIC = KURA_PAYLOAD.findNestedTypeByName("KuraMetric");
    private static final Descriptor KURA_POSITION = KURA_PAYLOAD.findNestedTypeByName("KuraPosition");

    private final KuraProtobufCodec codec = new KuraProtobufCodec();

    @Test
    void protobufParsesWhatTheCodecWritesAsACompleteKuraPayload() throws Exception {
        KuraPayload payload = KuraPayload.builder().timestamp(1234L)
                .position(KuraPosition.builder(1.5, -2.5).satellites(4).build())
                .metric("temp", 21.5).metric("port", -5).metric("raw", new byte[] {9})
                .body(new byte[] {1, 2})
                .build();

        DynamicMessage parsed = DynamicMessage.parseFrom(KURA_PAYLOAD, codec.encode(payload));

        assertThat(parsed.isInitialized()).as("all required fields present").isTrue();
        assertThat(parsed.getUnknownFields().asMap()).isEmpty();
        assertThat(parsed.getField(KURA_PAYLOAD.findFieldByName("timestamp"))).isEqualTo(1234L);
        DynamicMessage position = (DynamicMessage) parsed.getField(KURA_PAYLOAD.findFieldByName("position"));
        assertThat(position.getField(KURA_POSITION.findFieldByName("longitude"))).isEqualTo(-2.5);
        assertThat(position.getField(KURA_POSITION.findFieldByName("satellites"))).isEqualTo(4);
        @SuppressWarnings("unchecked")
        List<DynamicMessage> metrics = (List<DynamicMessage>) parsed.getField(KURA_PAYLOAD.findFieldByName("metric"));
        assertThat(metrics).hasSize(3);
        assertThat(metrics.get(1).getField(KURA_METRIC.findFieldByName("int_value"))).isEqualTo(-5);
        assertThat(metrics.get(1).getField(KURA_METRIC.findFieldByName("type")).toString())
                .isEqualTo("INT32");
        assertThat(parsed.getField(KURA_PAYLOAD.findFieldByName("body")))
                .isEqualTo(ByteString.copyFrom(new byte[] {1, 2}));
    }

    @Test
    void codecReadsWhatProtobufWrites() throws Exception {
        DynamicMessage metric = DynamicMessage.newBuilder(KURA_METRIC)
                .setField(KURA_METRIC.findFieldByName("name"), "ratio")
                .setField(KURA_METRIC.findFieldByName("type"),
                        KURA_METRIC.findEnumTypeByName("ValueType").findValueByName("FLOAT"))
                .setField(KURA_METRIC.findFieldByName("float_value"), 0.5f)
                .build();
        DynamicMessage position = DynamicMessage.newBuilder(KURA_POSITION)
                .setField(KURA_POSITION.findFieldByName("latitude"), 10.0)
                .setField(KURA_POSITION.findFieldByName("longitude"), 20.0)
                .setField(KURA_POSITION.findFieldByName("timestamp"), 99L)
                .build();
        byte[] written = DynamicMessage.newBuilder(KURA_PAYLOAD)
                .setField(KURA_PAYLOAD.findFieldByName("timestamp"), 7L)
                .setField(KURA_PAYLOAD.findFieldByName("position"), position)
                .addRepeatedField(KURA_PAYLOAD.findFieldByName("metric"), metric)
                .setField(KURA_PAYLOAD.findFieldByName("body"), ByteString.copyFromUtf8("b"))
                .build().toByteArray();

        assertThat(codec.decode(written)).isEqualTo(KuraPayload.builder().timestamp(7L)
                .position(KuraPosition.builder(10.0, 20.0).timestamp(Instant.ofEpochMilli(99)).build())
                .metric("ratio", 0.5f).body(new byte[] {'b'}).build());
    }

    private static Descriptor kuraPayloadDescriptor() {
        EnumDescriptorProto.Builder valueType = EnumDescriptorProto.newBuilder().setName("ValueType");
        for (ValueType type : ValueType.values()) {
            valueType.addValue(EnumValueDescriptorProto.newBuilder()
                    .setName(type.name()).setNumber(type.wireNumber()));
        }
        DescriptorProto metric = DescriptorProto.newBuilder().setName("KuraMetric")
                .addEnumType(valueType)
                .addField(field("name", 1, Type.TYPE_STRING, Label.LABEL_REQUIRED))
                .addField(field("type", 2, Type.TYPE_ENUM, Label.LABEL_REQUIRED)
                        .setTypeName(".kuradatatypes.KuraPayload.KuraMetric.ValueType"))
                .addField(field("double_value", 3, Type.TYPE_DOUBLE, Label.LABEL_OPTIONAL))
                .addField(field("float_value", 4, Type.TYPE_FLOAT, Label.LABEL_OPTIONAL))
                .addField(field("long_value", 5, Type.TYPE_INT64, Label.LABEL_OPTIONAL))
                .addField(field("int_value", 6, Type.TYPE_INT32, Label.LABEL_OPTIONAL))
                .addField(field("bool_value", 7, Type.TYPE_BOOL, Label.LABEL_OPTIONAL))
                .addField(field("string_value", 8, Type.TYPE_STRING, Label.LABEL_OPTIONAL))
                .addField(field("bytes_value", 9, Type.TYPE_BYTES, Label.LABEL_OPTIONAL))
                .build();
        DescriptorProto position = DescriptorProto.newBuilder().setName("KuraPosition")
                .addField(field("latitude", 1, Type.TYPE_DOUBLE, Label.LABEL_REQUIRED))
                .addField(field("longitude", 2, Type.TYPE_DOUBLE, Label.LABEL_REQUIRED))
                .addField(field("altitude", 3, Type.TYPE_DOUBLE, Label.LABEL_OPTIONAL))
                .addField(field("precision", 4, Type.TYPE_DOUBLE, Label.LABEL_OPTIONAL))
                .addField(field("heading", 5, Type.TYPE_DOUBLE, Label.LABEL_OPTIONAL))
                .addField(field("speed", 6, Type.TYPE_DOUBLE, Label.LABEL_OPTIONAL))
                .addField(field("timestamp", 7, Type.TYPE_INT64, Label.LABEL_OPTIONAL))
                .addField(field("satellites", 8, Type.TYPE_INT32, Label.LABEL_OPTIONAL))
                .addField(field("status", 9, Type.TYPE_INT32, Label.LABEL_OPTIONAL))
                .build();
        DescriptorProto payload = DescriptorProto.newBuilder().setName("KuraPayload")
                .addNestedType(metric).addNestedType(position)
                .addField(field("timestamp", 1, Type.TYPE_INT64, Label.LABEL_OPTIONAL))
                .addField(field("position", 2, Type.TYPE_MESSAGE, Label.LABEL_OPTIONAL)
                        .setTypeName(".kuradatatypes.KuraPayload.KuraPosition"))
                .addExtensionRange(DescriptorProto.ExtensionRange.newBuilder().setStart(3).setEnd(5000))
                .addField(field("metric", 5000, Type.TYPE_MESSAGE, Label.LABEL_REPEATED)
                        .setTypeName(".kuradatatypes.KuraPayload.KuraMetric"))
                .addField(field("body", 5001, Type.TYPE_BYTES, Label.LABEL_OPTIONAL))
                .build();
        FileDescriptorProto file = FileDescriptorProto.newBuilder().setName("kurapayload.proto")
                .setPackage("kuradatatypes").setSyntax("proto2").addMessageType(payload).build();
        try {
            return FileDescriptor.buildFrom(file, new FileDescriptor[0])
                    .findMessageTypeByName("KuraPayload");
        } catch (com.google.protobuf.Descriptors.DescriptorValidationException e) {
            throw new AssertionError(e);
        }
    }

    private static FieldDescriptorProto.Builder field(String name, int number, Type type, Label label) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type)
                .setLabel(label);
    }
}
