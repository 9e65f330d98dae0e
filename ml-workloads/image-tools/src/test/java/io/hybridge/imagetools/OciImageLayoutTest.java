package io.hybridge.imagetools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The layout is what the OCI image spec and urunc's packaging convention say, and reproducible. */
class OciImageLayoutTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static OciImageLayout.Written write(Path dir, String name) throws Exception {
        Path kernel = Files.write(dir.resolve("vmlinuz"), "kernel bytes".getBytes(StandardCharsets.UTF_8));
        Path initrd = Files.write(dir.resolve("initrd"), new byte[70_000]);
        return OciImageLayout.write(dir.resolve(name), dir.resolve(name + ".tar"), "1.2.3",
                Map.of("unikernel/vmlinuz", kernel, "unikernel/initrd", initrd),
                Map.of("com.urunc.unikernel.binary", "/unikernel/vmlinuz", "com.urunc.unikernel.initrd", "/unikernel/initrd",
                        "com.urunc.unikernel.cmdline", "console=ttyS0 quiet", "com.urunc.unikernel.unikernelType", "linux",
                        "com.urunc.unikernel.hypervisor", "qemu", "io.hybridge.unikernel.memoryMiB", "256"));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void anOciImageLayoutWithUruncsAnnotations(@TempDir Path dir) throws Exception {
        OciImageLayout.Written w = write(dir, "layout");
        Path layout = w.layout();

        assertThat(Files.readString(layout.resolve("oci-layout"))).isEqualTo("{\"imageLayoutVersion\":\"1.0.0\"}");
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertThat(index.get("schemaVersion").asInt()).isEqualTo(2);
        assertThat(index.get("mediaType").asText()).isEqualTo(OciImageLayout.INDEX_MEDIA_TYPE);
        JsonNode entry = index.get("manifests").get(0);
        assertThat(entry.get("digest").asText()).isEqualTo(w.manifestDigest());
        assertThat(entry.get("annotations").get("org.opencontainers.image.ref.name").asText()).isEqualTo("1.2.3");

        // every blob is named by its content's digest
        try (Stream<Path> blobs = Files.list(layout.resolve("blobs/sha256"))) {
            for (Path blob : blobs.toList()) {
                assertThat(sha256(Files.readAllBytes(blob))).isEqualTo("sha256:" + blob.getFileName());
            }
        }
        byte[] manifestBytes = Files.readAllBytes(OciImageLayout.blob(layout, w.manifestDigest()));
        assertThat(entry.get("size").asLong()).isEqualTo(manifestBytes.length);
        JsonNode manifest = JSON.readTree(manifestBytes);
        assertThat(manifest.get("mediaType").asText()).isEqualTo(OciImageLayout.MANIFEST_MEDIA_TYPE);
        assertThat(manifest.get("annotations").get("com.urunc.unikernel.cmdline").asText()).isEqualTo("console=ttyS0 quiet");
        assertThat(manifest.get("annotations").get("io.hybridge.unikernel.memoryMiB").asText()).isEqualTo("256");
        JsonNode config = JSON.readTree(OciImageLayout.blob(layout, manifest.get("config").get("digest").asText()).toFile());
        assertThat(manifest.get("config").get("mediaType").asText()).isEqualTo(OciImageLayout.CONFIG_MEDIA_TYPE);
        assertThat(config.get("config").get("Labels").get("com.urunc.unikernel.unikernelType").asText()).isEqualTo("linux");
        JsonNode layer = manifest.get("layers").get(0);
        assertThat(layer.get("mediaType").asText()).isEqualTo(OciImageLayout.LAYER_MEDIA_TYPE);
        assertThat(config.get("rootfs").get("diff_ids").get(0).asText()).isEqualTo(layer.get("digest").asText());

        // the layer: the files where the annotations say, and urunc.json with base64 values
        Map<String, byte[]> files;
        try (InputStream in = Files.newInputStream(OciImageLayout.blob(layout, layer.get("digest").asText()))) {
            files = Tar.read(in);
        }
        assertThat(files).containsOnlyKeys("unikernel/initrd", "unikernel/vmlinuz", "urunc.json");
        assertThat(new String(files.get("unikernel/vmlinuz"), StandardCharsets.UTF_8)).isEqualTo("kernel bytes");
        assertThat(files.get("unikernel/initrd")).hasSize(70_000);
        JsonNode urunc = JSON.readTree(files.get("urunc.json"));
        assertThat(new String(Base64.getDecoder().decode(urunc.get("com.urunc.unikernel.binary").asText()), StandardCharsets.UTF_8))
                .isEqualTo("/unikernel/vmlinuz");
        assertThat(urunc.has("io.hybridge.unikernel.memoryMiB")).as("only urunc's own").isFalse();

        // the tar holds the layout
        Map<String, byte[]> tar;
        try (InputStream in = Files.newInputStream(w.tar())) {
            tar = Tar.read(in);
        }
        assertThat(tar).containsKeys("oci-layout", "index.json", "blobs/sha256/" + w.manifestDigest().substring(7));
        assertThat(tar.get("index.json")).isEqualTo(Files.readAllBytes(layout.resolve("index.json")));
    }

    @Test
    void theSameInputGivesTheSameDigests(@TempDir Path dir) throws Exception {
        OciImageLayout.Written first = write(dir, "a");
        OciImageLayout.Written second = write(dir, "b");

        assertThat(second.manifestDigest()).isEqualTo(first.manifestDigest());
        assertThat(Files.readAllBytes(second.tar())).isEqualTo(Files.readAllBytes(first.tar()));
    }
}
