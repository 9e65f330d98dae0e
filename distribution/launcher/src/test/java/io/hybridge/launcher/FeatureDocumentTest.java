package io.hybridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureDocumentTest {

    @Test
    void readsTheShippedCoreFeature() throws Exception {
        FeatureDocument core = FeatureDocument.read(Path.of("../../features/core.json"));
        assertThat(core.id()).startsWith("io.hybridge:hybridge-feature-core:osgifeature:");
        assertThat(core.bundles()).extracting(FeatureDocument.BundleRef::artifactId)
                .contains("org.apache.felix.scr", "org.apache.felix.configadmin", "hybridge-broker");
        var scr = core.bundles().stream().filter(b -> b.artifactId().equals("org.apache.felix.scr")).findFirst().orElseThrow();
        assertThat(scr.startOrder()).isEqualTo(1);
        assertThat(scr.path()).isEqualTo("org/apache/felix/org.apache.felix.scr/" + scr.version()
                + "/org.apache.felix.scr-" + scr.version() + ".jar");
        assertThat(scr.location()).as("stable across versions").isEqualTo("feature:org.apache.felix:org.apache.felix.scr");
    }

    @Test
    void badDocumentsSayWhereAndWhat(@TempDir Path dir) throws Exception {
        Path noId = Files.writeString(dir.resolve("a.json"), "{\"bundles\": []}");
        assertThatThrownBy(() -> FeatureDocument.read(noId)).hasMessageContaining("a.json").hasMessageContaining("\"id\"");
        Path badCoordinates = Files.writeString(dir.resolve("b.json"), "{\"id\":\"g:a:1\",\"bundles\":[{\"id\":\"nonsense\"}]}");
        assertThatThrownBy(() -> FeatureDocument.read(badCoordinates)).hasMessageContaining("'nonsense'")
                .hasMessageContaining("groupId:artifactId");
    }
}
