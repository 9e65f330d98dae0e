package io.hybridge.device.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One profile file to read, wherever it lives (inside the bundle or on disk). */
record ProfileSource(String origin, Opener opener) {

    @FunctionalInterface
    interface Opener {
        InputStream open() throws IOException;
    }

    InputStream open() throws IOException {
        return opener.open();
    }

    static ProfileSource of(URL url) {
        return new ProfileSource(url.getPath(), url::openStream);
    }

    static ProfileSource of(Path file) {
        return new ProfileSource(file.toString(), () -> Files.newInputStream(file));
    }

    /** The {@code *.json} files directly in {@code dir}, by name, so the order is stable. */
    static List<ProfileSource> jsonFilesIn(Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.json")) {
            for (Path entry : entries) {
                if (Files.isRegularFile(entry)) {
                    files.add(entry);
                }
            }
        }
        files.sort(Comparator.comparing(Path::getFileName));
        return files.stream().map(ProfileSource::of).toList();
    }
}
