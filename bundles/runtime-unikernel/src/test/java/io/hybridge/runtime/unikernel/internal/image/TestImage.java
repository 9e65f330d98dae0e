package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * A small unikernel image as urunc packs it (a few-KB fake kernel and initrd in one layer,
 * urunc's annotations on the manifest, as config labels and in /urunc.json), with switches for
 * the variants third-party images come in and for the broken ones the store must refuse.
 */
final class TestImage {

    static final String LAYER_TAR = "application/vnd.oci.image.layer.v1.tar";
    static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final String CONFIG = "application/vnd.oci.image.config.v1+json";

    final Map<String, String> annotations = new TreeMap<>();
    final List<TestTar.Entry> entries = new ArrayList<>();
    boolean onManifest = true;
    boolean asLabels = true;
    boolean inUruncJson = true;
    boolean gzip;
    final byte[] kernel;
    final byte[] initrd;

    /** The parts, ready to write or push. */
    record Built(byte[] layer, String layerDigest, String layerMediaType, byte[] config, String configDigest,
                 byte[] manifest, String manifestDigest) {
        Map<String, byte[]> blobs() {
            Map<String, byte[]> all = new LinkedHashMap<>();
            all.put(layerDigest, layer);
            all.put(configDigest, config);
            all.put(manifestDigest, manifest);
            return all;
        }
    }

    /** {@code seed} varies the kernel bytes, so every test image has its own digests. */
    TestImage(long seed) {
        Random random = new Random(seed);
        kernel = new byte[4096];
        initrd = new byte[2048];
        random.nextBytes(kernel);
        random.nextBytes(initrd);
        annotations.put("com.urunc.unikernel.unikernelType", "linux");
        annotations.put("com.urunc.unikernel.hypervisor", "qemu");
        annotations.put("com.urunc.unikernel.binary", "/unikernel/vmlinuz");
        annotations.put("com.urunc.unikernel.initrd", "/unikernel/initrd");
        annotations.put("com.urunc.unikernel.cmdline", "console=ttyS0 panic=-1");
        annotations.put("io.hybridge.unikernel.vcpus", "1");
        annotations.put("io.hybridge.unikernel.memoryMiB", "256");
        entries.add(TestTar.Entry.directory("unikernel/"));
        entries.add(TestTar.Entry.file("unikernel/vmlinuz", kernel));
        entries.add(TestTar.Entry.file("unikernel/initrd", initrd));
    }

    Built build() throws IOException {
        List<TestTar.Entry> layerEntries = new ArrayList<>(entries);
        if (inUruncJson) {
            Map<String, String> urunc = new TreeMap<>();
            annotations.forEach((k, v) -> {
                if (k.startsWith("com.urunc.unikernel.")) {
                    urunc.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
                }
            });
            layerEntries.add(TestTar.Entry.file("urunc.json", JSON.std.asBytes(urunc)));
        }
        byte[] tar = TestTar.tar(layerEntries);
        byte[] layer = gzip ? TestTar.gzip(tar) : tar;
        String layerDigest = Digest.of(layer);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", asLabels ? Map.of("Labels", annotations) : Map.of());
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of(Digest.of(tar))));
        byte[] configBytes = JSON.std.asBytes(config);
        String mediaType = gzip ? LAYER_GZIP : LAYER_TAR;
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", OciDocuments.OCI_MANIFEST);
        manifest.put("config", descriptor(CONFIG, Digest.of(configBytes), configBytes.length));
        manifest.put("layers", List.of(descriptor(mediaType, layerDigest, layer.length)));
        if (onManifest) {
            manifest.put("annotations", annotations);
        }
        byte[] manifestBytes = JSON.std.asBytes(manifest);
        return new Built(layer, layerDigest, mediaType, configBytes, Digest.of(configBytes), manifestBytes, Digest.of(manifestBytes));
    }

    static Map<String, Object> descriptor(String mediaType, String digest, long size) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", digest);
        d.put("size", size);
        return d;
    }

    /** An OCI image layout directory holding the image, tagged {@code refName} in index.json (null: no name). */
    static Path writeLayout(Built image, Path dir, String refName) throws IOException {
        Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
        for (Map.Entry<String, byte[]> blob : image.blobs().entrySet()) {
            Files.write(blobs.resolve(Digest.hex(blob.getKey())), blob.getValue());
        }
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(dir.resolve("index.json"), indexJson(image, refName));
        return dir;
    }

    static byte[] indexJson(Built image, String refName) throws IOException {
        return indexJson(image, refName == null ? Map.of() : Map.of(OciDocuments.REF_NAME, refName));
    }

    /** index.json with these annotations on the image's entry (none: no annotations at all). */
    static byte[] indexJson(Built image, Map<String, String> annotations) throws IOException {
        Map<String, Object> entry = descriptor(OciDocuments.OCI_MANIFEST, image.manifestDigest(), image.manifest().length);
        if (!annotations.isEmpty()) {
            entry.put("annotations", annotations);
        }
        entry.put("platform", Map.of("os", "linux", "architecture", "amd64"));
        return JSON.std.asBytes(Map.of("schemaVersion", 2, "mediaType", OciDocuments.OCI_INDEX, "manifests", List.of(entry)));
    }

    /** The same layout as one tar, plus {@code extra} entries (hostile ones, for tests). */
    static Path writeLayoutTar(Built image, Path tar, String refName, TestTar.Entry... extra) throws IOException {
        return writeLayoutTar(image, tar, refName == null ? Map.of() : Map.of(OciDocuments.REF_NAME, refName), extra);
    }

    /** A layout tar whose index entry carries these annotations. */
    static Path writeLayoutTar(Built image, Path tar, Map<String, String> entryAnnotations, TestTar.Entry... extra) throws IOException {
        List<TestTar.Entry> all = new ArrayList<>();
        all.add(TestTar.Entry.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}"));
        all.add(TestTar.Entry.file("index.json", indexJson(image, entryAnnotations)));
        all.add(TestTar.Entry.directory("blobs/"));
        all.add(TestTar.Entry.directory("blobs/sha256/"));
        for (Map.Entry<String, byte[]> blob : image.blobs().entrySet()) {
            all.add(TestTar.Entry.file("blobs/sha256/" + Digest.hex(blob.getKey()), blob.getValue()));
        }
        all.addAll(List.of(extra));
        Files.write(tar, TestTar.tar(all));
        return tar;
    }
}
