package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;
import io.hybridge.api.cloud.ValueType;

/**
 * Field numbers of Kura's {@code kurapayload.proto}, the contract the protobuf codec keeps.
 * Written down here rather than generated from a .proto so the build needs no native protoc
 * (which would have to be downloaded per build host architecture):
 *
 * <pre>
 * syntax = "proto2";
 * package kuradatatypes;
 * message KuraPayload {
 *   message KuraMetric {
 *     enum ValueType { DOUBLE = 0; FLOAT = 1; INT64 = 2; INT32 = 3; BOOL = 4; STRING = 5; BYTES = 6; }
 *     required string name = 1;
 *     required ValueType type = 2;
 *     optional double double_value = 3;
 *     optional float float_value = 4;
 *     optional int64 long_value = 5;
 *     optional int32 int_value = 6;
 *     optional bool bool_value = 7;
 *     optional string string_value = 8;
 *     optional bytes bytes_value = 9;
 *   }
 *   message KuraPosition {
 *     required double latitude = 1;
 *     required double longitude = 2;
 *     optional double altitude = 3;
 *     optional double precision = 4;
 *     optional double heading = 5;
 *     optional double speed = 6;
 *     optional int64 timestamp = 7;
 *     optional int32 satellites = 8;
 *     optional int32 status = 9;
 *   }
 *   optional int64 timestamp = 1;
 *   optional KuraPosition position = 2;
 *   extensions 3 to 4999;
 *   repeated KuraMetric metric = 5000;
 *   optional bytes body = 5001;
 * }
 * </pre>
 */
final class KuraProtoSchema {
    static final int PAYLOAD_TIMESTAMP = 1;
    static final int PAYLOAD_POSITION = 2;
    static final int PAYLOAD_METRIC = 5000;
    static final int PAYLOAD_BODY = 5001;

    static final int METRIC_NAME = 1;
    static final int METRIC_TYPE = 2;
    static final int METRIC_DOUBLE_VALUE = 3;
    static final int METRIC_FLOAT_VALUE = 4;
    static final int METRIC_LONG_VALUE = 5;
    static final int METRIC_INT_VALUE = 6;
    static final int METRIC_BOOL_VALUE = 7;
    static final int METRIC_STRING_VALUE = 8;
    static final int METRIC_BYTES_VALUE = 9;

    static final int POSITION_LATITUDE = 1;
    static final int POSITION_LONGITUDE = 2;
    static final int POSITION_ALTITUDE = 3;
    static final int POSITION_PRECISION = 4;
    static final int POSITION_HEADING = 5;
    static final int POSITION_SPEED = 6;
    static final int POSITION_TIMESTAMP = 7;
    static final int POSITION_SATELLITES = 8;
    static final int POSITION_STATUS = 9;

    private KuraProtoSchema() {
    }

    /** The KuraMetric field that holds a value of this type. */
    static int valueField(ValueType type) {
        switch (type) {
            case DOUBLE: return METRIC_DOUBLE_VALUE;
            case FLOAT: return METRIC_FLOAT_VALUE;
            case INT64: return METRIC_LONG_VALUE;
            case INT32: return METRIC_INT_VALUE;
            case BOOL: return METRIC_BOOL_VALUE;
            case STRING: return METRIC_STRING_VALUE;
            case BYTES: return METRIC_BYTES_VALUE;
            default: throw new AssertionError(type);
        }
    }

    /** The .proto name of the KuraMetric field that holds a value of this type. */
    static String valueFieldName(ValueType type) {
        switch (type) {
            case DOUBLE: return "double_value";
            case FLOAT: return "float_value";
            case INT64: return "long_value";
            case INT32: return "int_value";
            case BOOL: return "bool_value";
            case STRING: return "string_value";
            case BYTES: return "bytes_value";
            default: throw new AssertionError(type);
        }
    }
}
