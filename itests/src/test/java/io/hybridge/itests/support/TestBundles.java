package io.hybridge.itests.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** Small bundles made at test time, and broken jars for the bad-input tests. */
public final class TestBundles {

    private TestBundles() {
    }

    /** A resolvable bundle with only a manifest and one resource. */
    public static Path bundle(Path dir, String symbolicName, String version) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", symbolicName);
        main.putValue("Bundle-Version", version);
        main.putValue("Bundle-Name", "Hybridge test bundle " + symbolicName);
        Path jar = dir.resolve(symbolicName + "-" + version + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write(("hello from " + symbolicName + " " + version).getBytes());
            zip.closeEntry();
        }
        return jar;
    }

    /** A file named like a jar whose content is not a zip archive: e.g. a truncated download. */
    public static Path corruptJar(Path dir, String name) throws IOException {
        Path jar = dir.resolve(name);
        byte[] junk = new byte[2048];
        junk[0] = 'P';
        junk[1] = 'K'; // looks like a zip at a glance, then is garbage
        for (int i = 2; i < junk.length; i++) {
            junk[i] = (byte) (i * 31);
        }
        Files.write(jar, junk);
        return jar;
    }
}
