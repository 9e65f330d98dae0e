package io.hybridge.cloud.internal.payload;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.KuraPosition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KuraPayloadTest {

    @Test
    void timestampsAreCutToTheMillisecondsTheWireCarries() {
        Instant precise = Instant.parse("2024-01-01T00:00:00.123456789Z");

        KuraPayload payload = KuraPayload.builder().timestamp(precise)
                .position(KuraPosition.builder(1, 2).timestamp(precise).build()).build();

        assertThat(payload.timestamp()).isEqualTo(Instant.parse("2024-01-01T00:00:00.123Z"));
        assertThat(payload.position().timestamp()).isEqualTo(payload.timestamp());
    }

    @Test
    void timestampBeyondEpochMillisIsRefused() {
        assertThatThrownBy(() -> KuraPayload.builder().timestamp(Instant.MAX))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("milliseconds since 1970");
    }

    @Test
    void byteArraysAreCopiedInAndOut() {
        byte[] body = {1, 2, 3};
        byte[] raw = {4, 5};
        KuraPayload payload = KuraPayload.builder().body(body).metric("raw", raw).build();

        body[0] = 9;
        raw[0] = 9;
        payload.body()[1] = 9;
        ((byte[]) payload.metric("raw"))[1] = 9;
        ((byte[]) payload.metrics().get("raw"))[1] = 9;

        assertThat(payload.body()).containsExactly(1, 2, 3);
        assertThat((byte[]) payload.metric("raw")).containsExactly(4, 5);
    }

    @Test
    void metricsCannotBeChangedThroughTheMap() {
        KuraPayload payload = KuraPayload.builder().metric("a", 1).build();

        assertThatThrownBy(() -> payload.metrics().put("b", 2))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void valuesOfTypesKuraCannotCarryAreRefusedWithTheAllowedTypes() {
        assertThatThrownBy(() -> KuraPayload.builder().metric("list", (Object) List.of(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.util.")
                .hasMessageContaining("Double, Float, Long, Integer, Boolean, String or byte[]");
        assertThatThrownBy(() -> KuraPayload.builder().metric("nothing", (Object) null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("metric 'nothing' has no value; KuraPayload metrics cannot be null");
    }

    @Test
    void equalityComparesBytesByContentAndMetricsInOrder() {
        KuraPayload a = KuraPayload.builder().metric("x", new byte[] {1}).metric("y", 2).build();
        KuraPayload same = KuraPayload.builder().metric("x", new byte[] {1}).metric("y", 2).build();
        KuraPayload reordered = KuraPayload.builder().metric("y", 2).metric("x", new byte[] {1}).build();

        assertThat(a).isEqualTo(same).hasSameHashCodeAs(same).isNotEqualTo(reordered);
    }

    @Test
    void sameNameReplacesTheValueAndKeepsItsPlace() {
        KuraPayload payload = KuraPayload.builder().metric("a", 1).metric("b", 2)
                .metric("a", "one").build();

        assertThat(payload.metricNames()).containsExactly("a", "b");
        assertThat(payload.metric("a")).isEqualTo("one");
    }

    @Test
    void toBuilderDerivesAnEqualPayload() {
        KuraPayload payload = KuraPayload.builder().timestamp(5L).metric("a", 1.5f)
                .position(KuraPosition.builder(1, 2).build()).body(new byte[] {7}).build();

        assertThat(payload.toBuilder().build()).isEqualTo(payload);
        assertThat(payload.toString()).contains("a=1.5", "body=1 bytes", "lat=1.0");
    }
}
