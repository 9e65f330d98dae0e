package io.hybridge.vision;

import java.nio.file.Files;
import java.nio.file.Path;

import org.opencv.core.Core;

/**
 * Loads OpenCV's JNI library once per JVM.
 *
 * <p>In the container image the library sits on {@code java.library.path}; a build or test
 * names the unpacked file with the system property {@value #LIBRARY_PROPERTY}; a developer
 * running with the whole {@code org.openpnp:opencv} jar on the class path gets the jar's own
 * loader, which extracts the library for this platform to a temporary directory.
 */
public final class OpenCvNatives {

    /** Absolute path of {@code libopencv_java*.so}, wins over everything else. */
    public static final String LIBRARY_PROPERTY = "vision.opencv.library";

    private static boolean loaded;

    private OpenCvNatives() {
    }

    public static synchronized void load() {
        if (loaded) {
            return;
        }
        String explicit = System.getProperty(LIBRARY_PROPERTY, "");
        if (!explicit.isBlank()) {
            Path library = Path.of(explicit).toAbsolutePath();
            if (!Files.isReadable(library)) {
                throw new UnsatisfiedLinkError(LIBRARY_PROPERTY + "=" + explicit + ": no such readable file");
            }
            System.load(library.toString());
        } else {
            try {
                System.loadLibrary(Core.NATIVE_LIBRARY_NAME);
            } catch (UnsatisfiedLinkError notOnLibraryPath) {
                loadFromOpenpnpJar(notOnLibraryPath);
            }
        }
        loaded = true;
    }

    private static void loadFromOpenpnpJar(UnsatisfiedLinkError notOnLibraryPath) {
        try {
            Class.forName("nu.pattern.OpenCV").getMethod("loadLocally").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            UnsatisfiedLinkError error = new UnsatisfiedLinkError("OpenCV's JNI library lib" + Core.NATIVE_LIBRARY_NAME
                    + ".so is neither on java.library.path (" + System.getProperty("java.library.path")
                    + ") nor named by -D" + LIBRARY_PROPERTY + ", and the org.openpnp:opencv loader is not on the class path");
            error.addSuppressed(notOnLibraryPath);
            error.addSuppressed(e);
            throw error;
        }
    }
}
