package io.hybridge.vision;

import java.nio.file.Files;
import java.nio.file.Path;

/** The build's test inputs, located through the properties the POM gives surefire. */
final class Samples {

    private Samples() {
    }

    static Path clip() {
        return existing(System.getProperty("vision.sample", "target/sample/vision-sample.avi"));
    }

    static Path cascade() {
        return existing(System.getProperty("vision.cascades", "src/main/cascades"))
                .resolve("haarcascade_frontalface_alt2.xml");
    }

    static Path portrait() {
        return existing("src/sample/eileen-collins-nasa.jpg");
    }

    private static Path existing(String path) {
        Path p = Path.of(path).toAbsolutePath();
        if (!Files.exists(p)) {
            throw new IllegalStateException(p + " is missing: build the module with Maven (the sample clip is generated"
                    + " in process-classes)");
        }
        return p;
    }
}
