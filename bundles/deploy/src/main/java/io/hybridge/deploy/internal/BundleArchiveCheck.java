package io.hybridge.deploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.osgi.framework.Version;

/**
 * Tells whether bytes are an installable OSGi bundle, and if not, why — in words an
 * operator can act on. The framework's own errors for such files ("Bundle-SymbolicName
 * header missing", a zip exception about a temporary file) name neither the file nor the fix.
 */
public final class BundleArchiveCheck {

    private BundleArchiveCheck() {
    }

    /** Empty when the archive is a bundle; otherwise the reason it is not. */
    public static Optional<String> problem(InputStream archive) {
        try (JarInputStream jar = new JarInputStream(archive, false)) {
            Manifest manifest = jar.getManifest();
            int entries = 0;
            ZipEntry entry;
            while ((entry = jar.getNextEntry()) != null) {
                entries++; // reading every entry proves the archive is complete, not truncated
                if (entry.getName().contains("..")) {
                    return Optional.of("entry '" + entry.getName() + "' points outside the archive");
                }
            }
            if (manifest == null) {
                return Optional.of(entries == 0
                        ? "not a jar/zip archive (no entries could be read; corrupt or truncated?)"
                        : "no META-INF/MANIFEST.MF as the first entries: not a bundle");
            }
            return manifestProblem(manifest);
        } catch (IOException | SecurityException e) {
            return Optional.of("not a readable jar archive (" + e.getMessage() + "); corrupt or truncated?");
        }
    }

    /**
     * Empty when the manifest makes a bundle; otherwise why not. For callers that already proved
     * the archive whole another way (the OTA agent reads it with {@code ZipFile}, which is an order
     * of magnitude faster for large stored entries than streaming it again).
     */
    public static Optional<String> manifestProblem(Manifest manifest) {
        if (manifest == null) {
            return Optional.of("no META-INF/MANIFEST.MF: not a bundle");
        }
        var main = manifest.getMainAttributes();
        String bsn = main.getValue("Bundle-SymbolicName");
        if (bsn == null || bsn.isBlank()) {
            return Optional.of("the manifest has no Bundle-SymbolicName: a plain jar, not an OSGi bundle "
                    + "(wrap it with bnd, or embed it in a bundle)");
        }
        String version = main.getValue("Bundle-Version");
        if (version != null) {
            try {
                Version.parseVersion(version.trim());
            } catch (IllegalArgumentException e) {
                return Optional.of("Bundle-Version '" + version + "' is not an OSGi version (major.minor.micro.qualifier)");
            }
        }
        return Optional.empty();
    }
}
