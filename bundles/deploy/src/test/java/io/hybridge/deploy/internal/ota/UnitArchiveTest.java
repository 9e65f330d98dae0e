package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitArchiveTest {

    private static final UnitArchive.Limits LIMITS = new UnitArchive.Limits(100, 10L * 1024 * 1024);

    @TempDir
    Path dir;

    static byte[] bundle(String bsn, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bsn);
        main.putValue("Bundle-Version", version);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("hello.txt"));
            jar.write("hello".getBytes());
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private Path zip(String name, Object... entries) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry((String) entries[i]));
                zip.write(entries[i + 1] instanceof byte[] b ? b : ((String) entries[i + 1]).getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return file;
    }

    @Test
    void typesAreDetectedFromTheContent() throws Exception {
        Path jar = dir.resolve("a.jar");
        Files.write(jar, bundle("a", "1.0.0"));
        assertThat(UnitArchive.detect(jar)).isEqualTo(UnitArchive.Type.BUNDLE);
        assertThat(UnitArchive.detect(zip("f.zip", "feature.json", "{}"))).isEqualTo(UnitArchive.Type.FEATURE);
        assertThat(UnitArchive.detect(tar("image.tar", "manifest.json", "[]"))).isEqualTo(UnitArchive.Type.WORKLOAD_IMAGE);
        Path text = Files.writeString(dir.resolve("x.txt"), "hello");
        assertThatThrownBy(() -> UnitArchive.detect(text))
                .hasMessageContaining("neither a bundle jar, a feature zip, an image tar nor a hybridge-<version>.tar.gz");
        Path distribution = dir.resolve("hybridge-2.0.0.tar.gz");
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(Files.newOutputStream(distribution))) {
            gzip.write(Files.readAllBytes(tar("inner.tar", "hybridge-2.0.0/etc/framework.properties", "hybridge.version=2.0.0")));
        }
        assertThat(UnitArchive.detect(distribution)).isEqualTo(UnitArchive.Type.SELF_UPDATE);
    }

    @Test
    void pathTraversalInsideAZipIsRefused() throws Exception {
        Path evil = zip("evil.zip", "feature.json", "{}", "bundles/../../etc/passwd", "x");
        assertThatThrownBy(() -> UnitArchive.checkZip(evil, LIMITS))
                .hasMessage("path traversal: archive entry 'bundles/../../etc/passwd' points outside the archive");
        assertThatThrownBy(() -> UnitArchive.checkEntryName("/abs")).hasMessageStartingWith("path traversal");
        assertThatThrownBy(() -> UnitArchive.checkEntryName("C:/windows")).hasMessageStartingWith("path traversal");
        assertThatThrownBy(() -> UnitArchive.checkEntryName("a\\..\\b")).hasMessageStartingWith("path traversal");
        UnitArchive.checkEntryName("bundles/a..b.jar"); // dots inside a name are fine
    }

    @Test
    void aZipBombIsRefusedByWhatItReallyUnpacksTo() throws Exception {
        byte[] zeros = new byte[2 * 1024 * 1024];
        Path bomb = zip("bomb.zip", "a", zeros, "b", zeros, "c", zeros);
        assertThatThrownBy(() -> UnitArchive.checkZip(bomb, new UnitArchive.Limits(100, 5L * 1024 * 1024)))
                .hasMessageStartingWith("zip bomb: unpacks to more than");
        assertThatThrownBy(() -> UnitArchive.checkZip(bomb, new UnitArchive.Limits(2, Long.MAX_VALUE)))
                .hasMessageStartingWith("zip bomb: more than 2 entries");
    }

    @Test
    void aTruncatedBundleIsRefused() throws Exception {
        byte[] whole = bundle("a", "1.0.0");
        Path truncated = dir.resolve("t.jar");
        Files.write(truncated, Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> UnitArchive.checkBundle(truncated, LIMITS)).hasMessageContaining("truncated or corrupt");
    }

    @Test
    void aFeatureArchiveYieldsItsBundlesInDocumentOrder() throws Exception {
        Path feature = zip("f.zip", "feature.json", """
                {"id": "io.example:sensors:osgifeature:1.0.0",
                 "bundles": [{"id": "io.example:b:2.0.0"}, {"id": "io.example:a:1.0.0"}]}""",
                "bundles/a-1.0.0.jar", bundle("io.example.a", "1.0.0"), "bundles/b-2.0.0.jar", bundle("io.example.b", "2.0.0"));
        List<UnitArchive.FeatureBundle> bundles = UnitArchive.unpackFeature(feature, LIMITS, new UnitStore(dir.resolve("store")));
        assertThat(bundles).extracting(UnitArchive.FeatureBundle::id).containsExactly("io.example:b:2.0.0", "io.example:a:1.0.0");
        assertThat(bundles.get(0).jar()).exists().hasParent(dir.resolve("store"));
    }

    @Test
    void aFeatureThatListsAMissingJarIsRefused() throws Exception {
        Path feature = zip("f.zip", "feature.json", "{\"bundles\": [{\"id\": \"io.example:a:1.0.0\"}]}");
        assertThatThrownBy(() -> UnitArchive.unpackFeature(feature, LIMITS, new UnitStore(dir.resolve("store"))))
                .hasMessage("feature.json lists io.example:a:1.0.0 but the archive has no bundles/a-1.0.0.jar");
    }

    @Test
    void imageTarsAreCheckedForTraversalTruncationAndLayout() throws Exception {
        assertThat(UnitArchive.checkImageTar(tar("ok.tar", "manifest.json", "[]", "abc/layer.tar", "x"), LIMITS))
                .isEqualTo("docker-archive");
        assertThat(UnitArchive.checkImageTar(tar("oci.tar", "oci-layout", "{}", "index.json", "{}"), LIMITS))
                .isEqualTo("oci-layout");
        assertThatThrownBy(() -> UnitArchive.checkImageTar(tar("evil.tar", "manifest.json", "[]", "../../evil", "x"), LIMITS))
                .hasMessageStartingWith("path traversal: archive entry '../../evil'");
        Path whole = tar("cut.tar", "manifest.json", "[]", "big", "y".repeat(5000));
        Path cut = dir.resolve("cut2.tar");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(whole), 1500));
        assertThatThrownBy(() -> UnitArchive.checkImageTar(cut, LIMITS)).hasMessageStartingWith("truncated archive");
        assertThatThrownBy(() -> UnitArchive.checkImageTar(tar("plain.tar", "readme", "x"), LIMITS))
                .hasMessageContaining("neither a container image");
    }

    /** A minimal ustar archive; enough for the checks (name, size, type, magic). */
    Path tar(String name, String... entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < entries.length; i += 2) {
            byte[] content = entries[i + 1].getBytes(StandardCharsets.UTF_8);
            byte[] header = new byte[512];
            byte[] entryName = entries[i].getBytes(StandardCharsets.UTF_8);
            System.arraycopy(entryName, 0, header, 0, entryName.length);
            put(header, 100, "0000644");
            put(header, 124, String.format("%011o", content.length));
            header[156] = '0';
            put(header, 257, "ustar");
            put(header, 263, "00");
            Arrays.fill(header, 148, 156, (byte) ' ');
            int sum = 0;
            for (byte b : header) {
                sum += b & 0xff;
            }
            put(header, 148, String.format("%06o", sum));
            out.write(header);
            out.write(content);
            out.write(new byte[(512 - content.length % 512) % 512]);
        }
        out.write(new byte[1024]);
        Path file = dir.resolve(name);
        Files.write(file, out.toByteArray());
        return file;
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, header, offset, bytes.length);
    }
}
