package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

class OciDocumentsTest {

    private static final String A = "sha256:" + "a".repeat(64);
    private static final String B = "sha256:" + "b".repeat(64);

    private static OciDocuments.Descriptor platform(String digest, String os, String arch) {
        return new OciDocuments.Descriptor(OciDocuments.OCI_MANIFEST, digest, 10, Map.of(), os, arch);
    }

    @Test
    void indexPicksLinuxAmd64() throws Exception {
        OciDocuments.Index index = new OciDocuments.Index(List.of(platform(A, "linux", "arm64"), platform(B, "linux", "amd64")));
        assertThat(OciDocuments.selectPlatform(index, "index").digest()).isEqualTo(B);
    }

    @Test
    void indexWithOneEntryWithoutPlatformTakesIt() throws Exception {
        OciDocuments.Index index = new OciDocuments.Index(List.of(platform(A, "", "")));
        assertThat(OciDocuments.selectPlatform(index, "index").digest()).isEqualTo(A);
    }

    @Test
    void indexWithoutOurPlatformNamesThePlatformsItHas() {
        OciDocuments.Index index = new OciDocuments.Index(List.of(platform(A, "linux", "arm64"), platform(B, "linux", "riscv64")));
        assertThatThrownBy(() -> OciDocuments.selectPlatform(index, "index x"))
                .isInstanceOfSatisfying(WorkloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND))
                .hasMessageContaining("no linux/amd64").hasMessageContaining("linux/arm64");
    }

    @Test
    void indexOrManifestByMediaTypeThenByShape() throws Exception {
        Map<String, Object> index = OciDocuments.json("{\"manifests\":[]}".getBytes(StandardCharsets.UTF_8), "x");
        assertThat(OciDocuments.isIndex("", index)).isTrue();
        assertThat(OciDocuments.isIndex(OciDocuments.DOCKER_LIST, Map.of())).isTrue();
        assertThat(OciDocuments.isIndex(OciDocuments.DOCKER_MANIFEST, index)).isFalse();
        assertThat(OciDocuments.isIndex("application/json", Map.of("mediaType", OciDocuments.OCI_INDEX))).isTrue();
    }

    @Test
    void manifestParsesDescriptorsAndRefusesWhatIsMissing() throws Exception {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + OciDocuments.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\"c\",\"digest\":\""
                + A + "\",\"size\":3},\"layers\":[{\"mediaType\":\"l\",\"digest\":\"" + B + "\",\"size\":5}],\"annotations\":{\"k\":\"v\"}}";
        OciDocuments.Manifest m = OciDocuments.manifest(OciDocuments.json(json.getBytes(StandardCharsets.UTF_8), "m"), "m");
        assertThat(m.config().digest()).isEqualTo(A);
        assertThat(m.layers()).extracting(OciDocuments.Descriptor::size).containsExactly(5L);
        assertThat(m.annotations()).containsEntry("k", "v");

        assertThatThrownBy(() -> OciDocuments.json("{not json".getBytes(StandardCharsets.UTF_8), "manifest x"))
                .hasMessageContaining("manifest x is not valid JSON");
        assertThatThrownBy(() -> OciDocuments.manifest(Map.of("config", Map.of("digest", A, "size", 1)), "manifest y"))
                .hasMessageContaining("manifest y has no layers");
        assertThatThrownBy(() -> OciDocuments.descriptor(Map.of("digest", "sha512:abc", "size", 1), "layer 0"))
                .hasMessageContaining("only sha256");
        assertThatThrownBy(() -> OciDocuments.manifest(Map.of("mediaType", OciDocuments.OCI_INDEX), "manifest z"))
                .hasMessageContaining("has media type " + OciDocuments.OCI_INDEX);
    }
}
