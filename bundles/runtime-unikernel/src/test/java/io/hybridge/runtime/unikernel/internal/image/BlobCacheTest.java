package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

class BlobCacheTest {

    @TempDir
    Path root;

    private final byte[] content = "kernel".getBytes(StandardCharsets.UTF_8);
    private final String digest = Digest.of(content);

    @Test
    void matchingContentMovesIn() throws Exception {
        BlobCache cache = new BlobCache(root);
        Path blob = cache.store(new ByteArrayInputStream(content), digest, content.length, content.length, "layer");
        assertThat(blob).isEqualTo(root.resolve("blobs/sha256/" + Digest.hex(digest))).hasBinaryContent(content);
        assertThat(cache.digests()).containsExactly(digest);
        assertThat(root.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void otherContentNamesExpectedAndActualDigestAndLeavesNothing() throws Exception {
        BlobCache cache = new BlobCache(root);
        byte[] other = "kernal".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> cache.store(new ByteArrayInputStream(other), digest, other.length, other.length, "layer 0 of x"))
                .isInstanceOfSatisfying(WorkloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_INVALID))
                .hasMessageContaining("layer 0 of x").hasMessageContaining("expected " + digest).hasMessageContaining("got " + Digest.of(other));
        assertThat(cache.has(digest)).isFalse();
        assertThat(root.resolve("tmp")).isEmptyDirectory();
    }

    @Test
    void sizesAreBoundedByTheDescriptor() throws Exception {
        BlobCache cache = new BlobCache(root);
        assertThatThrownBy(() -> cache.store(new ByteArrayInputStream(content), digest, 3, 3, "layer"))
                .hasMessageContaining("larger than 3 bytes");
        assertThatThrownBy(() -> cache.store(new ByteArrayInputStream(content), digest, 100, 100, "layer"))
                .hasMessageContaining("has 6 bytes; its descriptor says 100");
        assertThat(Files.list(root.resolve("blobs/sha256"))).isEmpty();
    }
}
