package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;

/**
 * Kura's "simple JSON" payload encoding, for clouds and tools that want readable JSON rather
 * than protobuf. The shape is the one Kura's own JSON encoder writes and its decoder reads:
 *
 * <pre>
 * {"sentOn": 1700000000000,
 *  "position": {"latitude": 46.0, "longitude": 13.2, "altitude": 150.0, "heading": 0.0,
 *               "precision": 1.5, "satellites": 7, "speed": 0.0, "timestamp": 1700000000000,
 *               "status": 1},
 *  "metrics": {"temp": 21.5, "count": 42, "on": true, "site": "north",
 *              "ratio": {"float": 0.25}, "port": {"int32": 502}, "raw": {"bytes": "AQID"}},
 *  "body": "base64..."}
 * </pre>
 *
 * <p>Plain JSON metric values carry their type the way Kura's decoder reads them: an integer is
 * INT64, a number with a fraction or exponent is DOUBLE, then BOOL and STRING. The types JSON
 * would lose (FLOAT, INT32, BYTES, and DOUBLE NaN/infinity) are written as a one-member typed
 * object whose key Kura's decoder also understands ({@code float}, {@code int32}, {@code bytes},
 * {@code double}), so every metric keeps its type through a round trip while staying readable
 * by Kura. The typed form is also accepted for the other types ({@code int64}/{@code long},
 * {@code bool}, {@code string}). Gzip-compressed JSON is accepted too.
 */
public final class KuraJsonCodec extends InflatingPayloadCodec {
    public static final String NAME = "json";

    public KuraJsonCodec() {
        this(GzipInflater.DEFAULT_MAX_INFLATED_BYTES);
    }

    /** @param maxInflatedBytes the largest size a gzip-compressed payload may inflate to */
    public KuraJsonCodec(int maxInflatedBytes) {
        super(NAME, maxInflatedBytes);
    }

    @Override
    byte[] write(KuraPayload payload) {
        return JsonPayloadWriter.write(payload);
    }

    @Override
    KuraPayload read(byte[] data) throws PayloadException {
        return JsonPayloadReader.read(data);
    }
}
