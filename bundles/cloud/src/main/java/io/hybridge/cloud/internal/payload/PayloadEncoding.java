package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The payload encodings a cloud endpoint can be configured with, by the name that appears in
 * its configuration.
 */
public enum PayloadEncoding {
    /** Kura's protobuf KuraPayload: what Kura devices and Kapua speak. The default. */
    KURA_PROTOBUF(KuraProtobufCodec.NAME),
    /** Kura's simple JSON: readable, for clouds that want JSON. */
    JSON(KuraJsonCodec.NAME);

    private final String configName;

    PayloadEncoding(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration, e.g. {@code kura-protobuf}. */
    public String configName() {
        return configName;
    }

    /** A codec for this encoding that refuses gzip input inflating beyond 16 MiB. */
    public PayloadCodec codec() {
        return codec(GzipInflater.DEFAULT_MAX_INFLATED_BYTES);
    }

    /** A codec for this encoding that refuses gzip input inflating beyond the given size. */
    public PayloadCodec codec(int maxInflatedBytes) {
        switch (this) {
            case KURA_PROTOBUF: return new KuraProtobufCodec(maxInflatedBytes);
            case JSON: return new KuraJsonCodec(maxInflatedBytes);
            default: throw new AssertionError(this);
        }
    }

    /**
     * The encoding with this configuration name.
     *
     * @throws IllegalArgumentException naming the known encodings if there is none
     */
    public static PayloadEncoding byName(String configName) {
        for (PayloadEncoding encoding : values()) {
            if (encoding.configName.equals(configName)) {
                return encoding;
            }
        }
        throw new IllegalArgumentException("unknown payload encoding '" + configName
                + "'; known: " + Arrays.stream(values()).map(PayloadEncoding::configName)
                        .collect(Collectors.joining(", ")));
    }
}
