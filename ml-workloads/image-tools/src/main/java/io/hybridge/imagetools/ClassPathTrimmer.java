package io.hybridge.imagetools;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Keeps of a set of library jars only the classes an application can reach: the static class
 * closure from every class of the application's own jars, following every class a class file
 * names (jdeps {@code -verbose:class}), plus service providers ({@code META-INF/services}) of
 * kept services. A superset of what runs, so it is safe except for classes loaded by name
 * from strings; the image tests run the trimmed result end to end. Tablesaw's 44 MB of
 * dependencies (fastutil, ICU4J, Guava, ...) come down to what a summarize-by needs.
 */
public final class ClassPathTrimmer {

    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s");
    private static final Pattern VERSIONED = Pattern.compile("^META-INF/versions/(\\d+)/(.+\\.class)$");
    private static final String SERVICES = "META-INF/services/";

    /** What was kept. */
    public record Trimmed(int classesKept, int classesTotal, long bytesKept) {
    }

    private ClassPathTrimmer() {
    }

    /**
     * @param roots   the application's jars: all their classes are roots; they are not copied
     * @param library the jars to trim
     * @param output  one jar with the kept classes and service files
     * @param release the Java release the classes run on (for multi-release jars)
     */
    public static Trimmed trim(List<Path> roots, List<Path> library, Path output, int release) throws IOException {
        Map<String, Set<String>> edges = dependencies(roots, library, release);

        // class name -> (jar, entry) for the library; the highest version <= release wins
        Map<String, String[]> defined = new HashMap<>();
        Map<String, Integer> definedVersion = new HashMap<>();
        Map<String, List<String>> providers = new HashMap<>();
        for (Path jar : library) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    String name = e.getName();
                    int version = 0;
                    Matcher m = VERSIONED.matcher(name);
                    if (m.matches()) {
                        version = Integer.parseInt(m.group(1));
                        if (version > release) {
                            continue;
                        }
                        name = m.group(2);
                    }
                    if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                        String cls = name.substring(0, name.length() - 6).replace('/', '.');
                        if (version >= definedVersion.getOrDefault(cls, -1)) {
                            defined.put(cls, new String[] { jar.toString(), e.getName() });
                            definedVersion.put(cls, version);
                        }
                    } else if (name.startsWith(SERVICES) && !e.isDirectory()) {
                        String service = name.substring(SERVICES.length());
                        try (InputStream in = zip.getInputStream(e)) {
                            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                                String provider = line.replaceAll("#.*", "").trim();
                                if (!provider.isEmpty()) {
                                    providers.computeIfAbsent(service, s -> new ArrayList<>()).add(provider);
                                }
                            }
                        }
                    }
                }
            }
        }

        Set<String> kept = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        for (Path jar : roots) {
            try (ZipFile zip = new ZipFile(jar.toFile())) {
                for (ZipEntry e : java.util.Collections.list(zip.entries())) {
                    if (e.getName().endsWith(".class") && !e.getName().startsWith("META-INF/")) {
                        String cls = e.getName().substring(0, e.getName().length() - 6).replace('/', '.');
                        queue.addAll(edges.getOrDefault(cls, Set.of()));
                    }
                }
            }
        }
        Set<String> services = new HashSet<>();
        while (!queue.isEmpty()) {
            String cls = queue.poll();
            if (!defined.containsKey(cls) || !kept.add(cls)) {
                continue;
            }
            queue.addAll(edges.getOrDefault(cls, Set.of()));
            if (providers.containsKey(cls) && services.add(cls)) {
                queue.addAll(providers.get(cls));
            }
        }

        // a reproducible jar: sorted entries, one timestamp, no manifest
        TreeMap<String, String[]> entries = new TreeMap<>();
        for (String cls : kept) {
            entries.put(cls.replace('.', '/') + ".class", defined.get(cls));
        }
        Map<String, ZipFile> open = new HashMap<>();
        long bytes = 0;
        Path partial = output.resolveSibling(output.getFileName() + ".partial");
        try (OutputStream file = Files.newOutputStream(partial); ZipOutputStream zip = new ZipOutputStream(file)) {
            FileTime time = FileTime.fromMillis(Tar.MTIME * 1000);
            for (Map.Entry<String, String[]> e : entries.entrySet()) {
                ZipFile from = open.computeIfAbsent(e.getValue()[0], ClassPathTrimmer::openZip);
                byte[] content;
                try (InputStream in = from.getInputStream(from.getEntry(e.getValue()[1]))) {
                    content = in.readAllBytes();
                }
                bytes += write(zip, e.getKey(), content, time);
            }
            for (String service : new java.util.TreeSet<>(services)) {
                List<String> keptProviders = providers.get(service).stream().filter(kept::contains).toList();
                if (!keptProviders.isEmpty()) {
                    bytes += write(zip, SERVICES + service, (String.join("\n", keptProviders) + "\n").getBytes(StandardCharsets.UTF_8), time);
                }
            }
        } finally {
            for (ZipFile z : open.values()) {
                z.close();
            }
        }
        Files.move(partial, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return new Trimmed(kept.size(), defined.size(), bytes);
    }

    private static long write(ZipOutputStream zip, String name, byte[] content, FileTime time) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setLastModifiedTime(time);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
        return content.length;
    }

    private static ZipFile openZip(String path) {
        try {
            return new ZipFile(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Class-level edges from jdeps, for the roots and the library. */
    private static Map<String, Set<String>> dependencies(List<Path> roots, List<Path> library, int release) throws IOException {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IOException("no jdeps in this Java runtime: run with a full JDK"));
        List<Path> all = new ArrayList<>(roots);
        all.addAll(library);
        List<String> args = new ArrayList<>(List.of("-verbose:class", "-filter:none", "--ignore-missing-deps", "--multi-release", String.valueOf(release),
                "-cp", String.join(java.io.File.pathSeparator, all.stream().map(Path::toString).toList())));
        all.forEach(p -> args.add(p.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status;
        try (PrintWriter o = new PrintWriter(out, true, StandardCharsets.UTF_8); PrintWriter e = new PrintWriter(err, true, StandardCharsets.UTF_8)) {
            status = jdeps.run(o, e, args.toArray(String[]::new));
        }
        if (status != 0) {
            throw new IOException("jdeps failed (" + status + "): " + err.toString(StandardCharsets.UTF_8));
        }
        Map<String, Set<String>> edges = new HashMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                edges.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(m.group(2));
            }
        }
        return edges;
    }
}
