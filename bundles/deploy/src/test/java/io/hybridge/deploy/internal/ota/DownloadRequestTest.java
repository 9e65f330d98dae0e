package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.hybridge.api.cloud.KuraPayload;

class DownloadRequestTest {

    private static KuraPayload.Builder valid() {
        return KuraPayload.builder().metric("job.id", 12L).metric("dp.name", "sensor-filter").metric("dp.version", "1.2.0")
                .metric("dp.uri", "http://127.0.0.1:8000/sensor-filter.jar").metric("dp.download.protocol", "HTTP")
                .metric("dp.download.hash", "SHA-256:" + "ab".repeat(32)).metric("dp.download.block.size", 65536)
                .metric("dp.install", true).metric("dp.signature", "c2ln").metric("dp.signature.key", "0123456789ABCDEF")
                .metric("dp.health.timeout", 5000L);
    }

    @Test
    void kuraMetricsBecomeAJob() {
        Job job = DownloadRequest.parse(valid().build(), "fleet-1");
        assertThat(job.id).isEqualTo(12);
        assertThat(job.requester).isEqualTo("fleet-1");
        assertThat(job.hash).isEqualTo("SHA-256:" + "ab".repeat(32));
        assertThat(job.blockSize).isEqualTo(65536);
        assertThat(job.signatureKey).isEqualTo("0123456789abcdef");
        assertThat(job.healthTimeoutMillis).isEqualTo(5000);
        assertThat(job.install).isTrue();
        assertThat(job.unitType).isNull();
    }

    @Test
    void eachBadMetricIsNamed() {
        assertThatThrownBy(() -> DownloadRequest.parse(KuraPayload.builder().build(), "f")).hasMessage("job.id is missing");
        assertThatThrownBy(() -> DownloadRequest.parse(valid().metric("dp.uri", "file:///etc/passwd").build(), "f"))
                .hasMessageStartingWith("dp.uri: 'file:///etc/passwd' is not an http or https URI");
        assertThatThrownBy(() -> DownloadRequest.parse(valid().metric("dp.download.hash", "nope").build(), "f"))
                .hasMessageStartingWith("dp.download.hash:");
        assertThatThrownBy(() -> DownloadRequest.parse(valid().metric("dp.unit.type", "rpm").build(), "f"))
                .hasMessageStartingWith("dp.unit.type: 'rpm'");
        assertThatThrownBy(() -> DownloadRequest.parse(valid().metric("dp.signature.key", "xyz").build(), "f"))
                .hasMessageStartingWith("dp.signature.key: 'xyz' is not a key id");
        assertThatThrownBy(() -> DownloadRequest.parse(valid().metric("dp.install", "maybe").build(), "f"))
                .hasMessage("dp.install: 'maybe' is not true or false");
        assertThatThrownBy(() -> DownloadRequest.parse(valid().metric("dp.install.system.update", true)
                .metric("dp.unit.type", "bundle").build(), "f"))
                .hasMessageStartingWith("dp.install.system.update=true but dp.unit.type is bundle");
    }

    @Test
    void aSystemUpdateIsASelfUpdate() {
        assertThat(DownloadRequest.parse(valid().metric("dp.install.system.update", true).build(), "f").unitType)
                .isEqualTo("self-update");
        assertThat(DownloadRequest.parse(valid().metric("dp.unit.type", "self-update").build(), "f").unitType)
                .isEqualTo("self-update");
    }
}
