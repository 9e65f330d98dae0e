package io.hybridge.cloud.internal.payload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PayloadEncodingTest {

    @Test
    void codecsAreFoundByTheirConfigurationName() {
        assertThat(PayloadEncoding.byName("kura-protobuf").codec())
                .isInstanceOf(KuraProtobufCodec.class)
                .extracting(PayloadCodec::name).isEqualTo("kura-protobuf");
        assertThat(PayloadEncoding.byName("json").codec(1024))
                .isInstanceOf(KuraJsonCodec.class)
                .extracting(PayloadCodec::name).isEqualTo("json");
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> PayloadEncoding.byName("protobuf"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown payload encoding 'protobuf'; known: kura-protobuf, json");
    }

    @Test
    void nonPositiveInflateLimitIsRefused() {
        assertThatThrownBy(() -> PayloadEncoding.JSON.codec(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be positive");
    }
}
