package io.hybridge.itests.support;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;

/**
 * Real components the tests need. On a developer machine a missing one skips the test with
 * the reason; under {@code CI=true} it fails, so CI can never go green by skipping.
 */
public final class Engines {

    private Engines() {
    }

    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    public static Path requireExecutable(String path, String debianPackage) {
        Path executable = Path.of(path);
        if (!Files.isExecutable(executable)) {
            String reason = path + " is missing: run itests/provision/provision.sh (Debian package " + debianPackage + ")";
            if (ci()) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason);
        }
        return executable;
    }
}
