package io.hybridge.assembler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AssembleTest {

    private static final String VERSION = "0.1.0-SNAPSHOT";

    @Test
    void theShippedFeaturesAreValidDocuments() throws Exception {
        try (var documents = Files.list(Path.of("../../features"))) {
            for (Path document : documents.filter(p -> p.toString().endsWith(".json")).toList()) {
                assertThat(Assemble.bundleIds(document, VERSION)).as(document.toString()).isNotEmpty();
            }
        }
    }

    @Test
    void ownBundlesMustCarryTheProjectVersion(@TempDir Path dir) throws Exception {
        Path document = Files.writeString(dir.resolve("x.json"), """
                {"feature-resource-version": "1.0", "id": "io.hybridge:x:osgifeature:1",
                 "bundles": [{"id": "io.hybridge:hybridge-api:9.9.9"}]}
                """);
        assertThatThrownBy(() -> Assemble.bundleIds(document, VERSION))
                .hasMessageContaining("io.hybridge:hybridge-api:9.9.9 must have the project version " + VERSION);
    }

    @Test
    void aDocumentWithoutTheSpecVersionIsRefused(@TempDir Path dir) throws Exception {
        Path document = Files.writeString(dir.resolve("y.json"), "{\"id\": \"g:a:1\", \"bundles\": []}");
        assertThatThrownBy(() -> Assemble.bundleIds(document, VERSION)).hasMessageContaining("feature-resource-version");
    }

    @Test
    void laysOutMavenRepositoryPaths() {
        assertThat(Assemble.repositoryPath("org.apache.felix:org.apache.felix.scr:2.2.18"))
                .isEqualTo("org/apache/felix/org.apache.felix.scr/2.2.18/org.apache.felix.scr-2.2.18.jar");
    }
}
