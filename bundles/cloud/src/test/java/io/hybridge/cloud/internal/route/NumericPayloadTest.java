package io.hybridge.cloud.internal.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NumericPayloadTest {

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "''{0}'' is {1}")
    @CsvSource(delimiter = '|', value = {
        "21.5|21.5", "-3|-3", "0|0", "1.2e3|1200", "1E-2|0.01", "+4|4", ".5|0.5", "7.|7", "007|7",
        "' 21.5\n'|21.5", "-0.0|-0.0",
    })
    void readsNumbersAsTextOrJson(String payload, double value) throws Exception {
        assertThat(NumericPayload.parse(utf8(payload))).isEqualTo(value);
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"abc", "21.5 C", "NaN", "Infinity", "0x10", "1,5", "\"21.5\"", "{\"t\":21.5}", "true",
        "1e", "--1", "1d", "1f", " "})
    void rejectsEverythingElseSayingWhy(String payload) {
        assertThatThrownBy(() -> NumericPayload.parse(utf8(payload))).isInstanceOf(RejectedMessageException.class)
                .hasMessageContaining("expected");
    }

    @Test
    void rejectsEmptyLongAndBinaryPayloads() {
        assertThatThrownBy(() -> NumericPayload.parse(new byte[0])).hasMessageContaining("empty payload");
        assertThatThrownBy(() -> NumericPayload.parse(utf8("1".repeat(65)))).hasMessageContaining("too long");
        assertThatThrownBy(() -> NumericPayload.parse(new byte[] {(byte) 0xff, '1'})).hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> NumericPayload.parse(utf8("1e999"))).hasMessageContaining("out of the range");
    }
}
