package io.hybridge.imagetools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Trimming Jackson down to what a class that writes JSON with it reaches. */
class ClassPathTrimmerTest {

    /** The root: uses ObjectMapper and nothing else of Jackson. */
    public static final class JsonWriter {
        public static String write() throws Exception {
            return new ObjectMapper().writeValueAsString(Map.of("a", 1));
        }
    }

    private static Path jarOf(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void keepsTheClosureOfTheRootsAndItRuns(@TempDir Path dir) throws Exception {
        // the root jar: this test's JsonWriter
        Path root = dir.resolve("app.jar");
        String entry = JsonWriter.class.getName().replace('.', '/') + ".class";
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(root))) {
            zip.putNextEntry(new ZipEntry(entry));
            zip.write(JsonWriter.class.getClassLoader().getResourceAsStream(entry).readAllBytes());
            zip.closeEntry();
        }
        List<Path> library = List.of(jarOf(ObjectMapper.class), jarOf(com.fasterxml.jackson.core.JsonFactory.class),
                jarOf(com.fasterxml.jackson.annotation.JsonProperty.class));
        Path out = dir.resolve("trimmed.jar");

        ClassPathTrimmer.Trimmed trimmed = ClassPathTrimmer.trim(List.of(root), library, out, 17);

        Set<String> kept = new TreeSet<>();
        try (JarFile jar = new JarFile(out.toFile())) {
            jar.stream().forEach(e -> kept.add(e.getName()));
        }
        assertThat(kept).contains("com/fasterxml/jackson/databind/ObjectMapper.class",
                "com/fasterxml/jackson/core/JsonFactory.class");
        assertThat(kept).noneMatch(n -> n.startsWith("io/hybridge/"));
        assertThat(trimmed.classesKept()).isLessThan(trimmed.classesTotal()).isEqualTo(
                (int) kept.stream().filter(n -> n.endsWith(".class")).count());

        // the root runs on the trimmed jar alone (parent: the platform class loader, no test class path)
        List<URL> urls = new ArrayList<>(List.of(root.toUri().toURL(), out.toUri().toURL()));
        try (URLClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Object json = loader.loadClass(JsonWriter.class.getName()).getMethod("write").invoke(null);
            assertThat(json).isEqualTo("{\"a\":1}");
        }
    }

    @Test
    void theSameInputGivesTheSameJar(@TempDir Path dir) throws Exception {
        Path root = jarOf(ObjectMapper.class);
        List<Path> library = List.of(jarOf(com.fasterxml.jackson.core.JsonFactory.class),
                jarOf(com.fasterxml.jackson.annotation.JsonProperty.class));
        ClassPathTrimmer.trim(List.of(root), library, dir.resolve("a.jar"), 17);
        ClassPathTrimmer.trim(List.of(root), library, dir.resolve("b.jar"), 17);
        assertThat(Files.readAllBytes(dir.resolve("b.jar"))).isEqualTo(Files.readAllBytes(dir.resolve("a.jar")));
    }
}
