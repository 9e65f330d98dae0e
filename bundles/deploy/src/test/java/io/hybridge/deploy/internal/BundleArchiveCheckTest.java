package io.hybridge.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;

class BundleArchiveCheckTest {

    @Test
    void acceptsABundle() throws IOException {
        assertThat(BundleArchiveCheck.problem(in(jar("Bundle-SymbolicName: a.b\nBundle-Version: 1.2.3\n")))).isEmpty();
    }

    @Test
    void namesWhatIsWrong() throws IOException {
        assertThat(BundleArchiveCheck.problem(in(jar("Implementation-Title: plain\n"))))
                .hasValueSatisfying(p -> assertThat(p).contains("no Bundle-SymbolicName"));
        assertThat(BundleArchiveCheck.problem(in(jar("Bundle-SymbolicName: a\nBundle-Version: one\n"))))
                .hasValueSatisfying(p -> assertThat(p).contains("'one' is not an OSGi version"));
        assertThat(BundleArchiveCheck.problem(in("this is not a zip".getBytes())))
                .hasValueSatisfying(p -> assertThat(p).contains("not a jar/zip archive"));
    }

    @Test
    void refusesATruncatedArchive() throws IOException {
        byte[] whole = jar("Bundle-SymbolicName: a.b\n");
        byte[] truncated = Arrays.copyOf(whole, whole.length / 2);
        assertThat(BundleArchiveCheck.problem(in(truncated))).isPresent();
    }

    @Test
    void refusesEntriesThatEscapeTheArchive() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Manifest manifest = manifest("Bundle-SymbolicName: a.b\n");
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("../../etc/passwd"));
            jar.write(1);
        }
        assertThat(BundleArchiveCheck.problem(in(bytes.toByteArray())))
                .hasValueSatisfying(p -> assertThat(p).contains("outside the archive"));
    }

    @Test
    void refusesAZipWithoutManifest() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("x.txt"));
            zip.write(1);
        }
        assertThat(BundleArchiveCheck.problem(in(bytes.toByteArray())))
                .hasValueSatisfying(p -> assertThat(p).contains("no META-INF/MANIFEST.MF"));
    }

    private static byte[] jar(String headers) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest(headers))) {
            jar.putNextEntry(new ZipEntry("a.txt"));
            jar.write("a".getBytes());
        }
        return bytes.toByteArray();
    }

    private static Manifest manifest(String headers) throws IOException {
        return new Manifest(new ByteArrayInputStream(("Manifest-Version: 1.0\n" + headers).getBytes()));
    }

    private static ByteArrayInputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
