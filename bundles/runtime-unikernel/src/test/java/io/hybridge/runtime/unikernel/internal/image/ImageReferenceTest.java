package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void registryIsTheFirstComponentOnlyWithDotColonOrLocalhost() {
        ImageReference r = ImageReference.parse("127.0.0.1:15000/hybridge/telemetry:1.0");
        assertThat(r.registry()).isEqualTo("127.0.0.1:15000");
        assertThat(r.repository()).isEqualTo("hybridge/telemetry");
        assertThat(r.tag()).isEqualTo("1.0");
        assertThat(ImageReference.parse("localhost/x").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("hub.example.com/x").registry()).isEqualTo("hub.example.com");
        ImageReference bare = ImageReference.parse("hybridge/telemetry");
        assertThat(bare.hasRegistry()).isFalse();
        assertThat(bare.repository()).isEqualTo("hybridge/telemetry");
        assertThat(bare.manifestReference()).isEqualTo("latest");
    }

    @Test
    void digestPinsAndIsWhatTheManifestIsAskedFor() {
        ImageReference r = ImageReference.parse("[::1]:5000/a/b:1@" + DIGEST);
        assertThat(r.registry()).isEqualTo("[::1]:5000");
        assertThat(r.pinned()).isTrue();
        assertThat(r.manifestReference()).isEqualTo(DIGEST);
        assertThat(r.toString()).isEqualTo("[::1]:5000/a/b:1@" + DIGEST);
        assertThat(ImageReference.parse("a/b").inRegistry("h:1").toString()).isEqualTo("h:1/a/b");
    }

    @Test
    void badReferencesSayWhatWouldBeRight() {
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessageContaining("[registry/]repository");
        assertThatThrownBy(() -> ImageReference.parse("a/b@sha256:xyz")).hasMessageContaining("64 lower-case hex");
        assertThatThrownBy(() -> ImageReference.parse("a/B")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> ImageReference.parse("a/b:-x")).hasMessageContaining("tag '-x'");
        assertThatThrownBy(() -> ImageReference.parse("a/../b")).hasMessageContaining("repository");
    }
}
