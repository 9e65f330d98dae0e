package io.hybridge.imagetools;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Command line of the image tools, for the build scripts:
 *
 * <pre>
 * trim   --out trimmed.jar --release 17 --root app.jar [--root ...] lib.jar...
 * layout --out dir [--tar file] --ref tag [--name repository:tag] --annotations file.properties --file path/in/image=host/file ...
 * push   --layout dir --registry http://127.0.0.1:5000 --repository name --tag tag
 *        (HTTP basic credentials from REGISTRY_USERNAME and REGISTRY_PASSWORD when set)
 * </pre>
 * Exit 0 on success, 1 with a message on failure, 2 on bad arguments.
 */
public final class ImageTools {

    private ImageTools() {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(args));
        } catch (IllegalArgumentException e) {
            System.err.println("image-tools: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("image-tools: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            System.exit(1);
        }
    }

    static int run(String[] args) throws IOException, InterruptedException {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: trim | layout | push (see the class comment)");
        }
        Map<String, List<String>> options = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(args[i] + " needs a value");
                }
                options.computeIfAbsent(args[i].substring(2), k -> new ArrayList<>()).add(args[++i]);
            } else {
                positional.add(args[i]);
            }
        }
        switch (args[0]) {
            case "trim" -> {
                ClassPathTrimmer.Trimmed t = ClassPathTrimmer.trim(paths(options.getOrDefault("root", List.of())),
                        paths(positional), Path.of(one(options, "out")), Integer.parseInt(one(options, "release")));
                System.out.printf("kept %d of %d library classes (%.1f MB of class files)%n", t.classesKept(), t.classesTotal(),
                        t.bytesKept() / 1e6);
            }
            case "layout" -> {
                Map<String, Path> files = new LinkedHashMap<>();
                for (String f : options.getOrDefault("file", List.of())) {
                    int eq = f.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--file " + f + ": use path/in/image=file");
                    }
                    files.put(f.substring(0, eq), Path.of(f.substring(eq + 1)));
                }
                Properties annotations = new Properties();
                try (Reader r = Files.newBufferedReader(Path.of(one(options, "annotations")))) {
                    annotations.load(r);
                }
                Map<String, String> map = new LinkedHashMap<>();
                annotations.stringPropertyNames().forEach(k -> map.put(k, annotations.getProperty(k)));
                String tar = options.containsKey("tar") ? one(options, "tar") : null;
                OciImageLayout.Written w = OciImageLayout.write(Path.of(one(options, "out")), tar == null ? null : Path.of(tar),
                        one(options, "ref"), options.containsKey("name") ? one(options, "name") : null, files, map);
                System.out.println(w.manifestDigest());
            }
            case "push" -> System.out.println(new OciRegistryPush(URI.create(one(options, "registry")),
                    System.getenv("REGISTRY_USERNAME"), System.getenv("REGISTRY_PASSWORD")).push(Path.of(one(options, "layout")), one(options, "repository"), one(options, "tag")));
            default -> throw new IllegalArgumentException("unknown command " + args[0] + ": use trim, layout or push");
        }
        return 0;
    }

    private static String one(Map<String, List<String>> options, String name) {
        List<String> values = options.get(name);
        if (values == null || values.size() != 1) {
            throw new IllegalArgumentException("--" + name + " is required once");
        }
        return values.get(0);
    }

    private static List<Path> paths(List<String> names) {
        return names.stream().map(Path::of).toList();
    }
}
