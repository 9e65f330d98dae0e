package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void aRegistryIsAFirstComponentWithADotAColonOrLocalhost() {
        assertThat(ImageReference.parse("127.0.0.1:15000/hybridge-test/busybox:1"))
                .isEqualTo(new ImageReference("127.0.0.1:15000", "hybridge-test/busybox", "1", ""));
        assertThat(ImageReference.parse("registry.example.com/vision"))
                .isEqualTo(new ImageReference("registry.example.com", "vision", "", ""));
        assertThat(ImageReference.parse("localhost/app:2").registry()).isEqualTo("localhost");
    }

    @Test
    void aReferenceWithoutSuchAComponentNamesNoRegistry() {
        ImageReference reference = ImageReference.parse("hybridge/vision:0.1.0-SNAPSHOT");
        assertThat(reference.hasRegistry()).isFalse();
        assertThat(reference.repository()).isEqualTo("hybridge/vision");
        assertThat(reference.tag()).isEqualTo("0.1.0-SNAPSHOT");
        assertThat(reference.inRegistry("reg.local:5000").toString()).isEqualTo("reg.local:5000/hybridge/vision:0.1.0-SNAPSHOT");
    }

    @Test
    void aDigestPinsTheContentAndIsWhatIsPulled() {
        ImageReference reference = ImageReference.parse("127.0.0.1:15000/app:1@" + DIGEST);
        assertThat(reference.pinned()).isTrue();
        assertThat(reference.digest()).isEqualTo(DIGEST);
        assertThat(reference.pullTag()).isEqualTo(DIGEST);
        assertThat(reference.name()).isEqualTo("127.0.0.1:15000/app");
        assertThat(reference).hasToString("127.0.0.1:15000/app:1@" + DIGEST);
    }

    @Test
    void noTagPullsLatestNeverEveryTag() {
        assertThat(ImageReference.parse("127.0.0.1:15000/app").pullTag()).isEqualTo("latest");
    }

    @Test
    void malformedReferencesAreRefusedNamingWhatIsWrong() {
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessageContaining("empty image reference");
        assertThatThrownBy(() -> ImageReference.parse("app@sha256:1234")).hasMessageContaining("digest 'sha256:1234'");
        assertThatThrownBy(() -> ImageReference.parse("Upper/Case:1")).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> ImageReference.parse("app:-bad")).hasMessageContaining("tag '-bad'");
        assertThatThrownBy(() -> ImageReference.parse("reg.local:5000/")).hasMessageContaining("names no repository");
    }
}
