package io.hybridge.device.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The repository's own profile files, read where the bundle build takes them from. */
final class Profiles {
    static final Path REPOSITORY_DIR = Path.of("../../device-profiles");

    private Profiles() {
    }

    static List<ProfileSource> repositoryFiles() {
        try {
            return ProfileSource.jsonFilesIn(REPOSITORY_DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ProfileCatalog repositoryCatalog() {
        return ProfileCatalog.load(repositoryFiles(), List.of());
    }
}
