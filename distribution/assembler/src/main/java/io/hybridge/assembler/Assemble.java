package io.hybridge.assembler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Lays out an installation's {@code bundles/} (Maven repository layout) and
 * {@code etc/features/} from the OSGi Feature documents in {@code features/}, so the
 * list of bundles exists once: in the feature documents. Hybridge's own bundles come
 * from the reactor build ({@code bundles/<module>/target}); everything else is resolved
 * from Maven Central through the local repository.
 *
 * <pre>Assemble &lt;features-dir&gt; &lt;repo-root&gt; &lt;project-version&gt; &lt;out-dir&gt; &lt;local-repo&gt;</pre>
 */
public final class Assemble {

    static final String OWN_GROUP = "io.hybridge";

    private Assemble() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Assemble <features-dir> <repo-root> <project-version> <out-dir> <local-repo>");
            System.exit(2);
        }
        Path featuresDir = Path.of(args[0]);
        Path repoRoot = Path.of(args[1]);
        String projectVersion = args[2];
        Path out = Path.of(args[3]);
        try (BundleResolver resolver = new BundleResolver(Path.of(args[4]), repoRoot)) {
            int count = assemble(featuresDir, projectVersion, out, resolver);
            System.out.println("[assembler] " + count + " bundles laid out in " + out.resolve("bundles"));
        } catch (FeatureException e) {
            System.err.println("[assembler] " + e.getMessage());
            System.exit(1);
        }
    }

    static int assemble(Path featuresDir, String projectVersion, Path out, BundleResolver resolver)
            throws IOException, FeatureException {
        Map<String, Path> jars = new LinkedHashMap<>();
        List<Path> documents;
        try (Stream<Path> files = Files.list(featuresDir)) {
            documents = files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        if (documents.isEmpty()) {
            throw new FeatureException("no feature documents (*.json) in " + featuresDir);
        }
        Files.createDirectories(out.resolve("etc/features"));
        for (Path document : documents) {
            for (String coordinates : bundleIds(document, projectVersion)) {
                if (!jars.containsKey(coordinates)) {
                    jars.put(coordinates, resolver.resolve(coordinates));
                }
            }
            Files.copy(document, out.resolve("etc/features").resolve(document.getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        for (Map.Entry<String, Path> entry : jars.entrySet()) {
            Path jar = entry.getValue();
            requireBundle(entry.getKey(), jar);
            Path target = out.resolve("bundles").resolve(repositoryPath(entry.getKey()));
            Files.createDirectories(target.getParent());
            Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        }
        return jars.size();
    }

    /** Reads and checks one feature document; returns its bundles' Maven coordinates. */
    static List<String> bundleIds(Path document, String projectVersion) throws IOException, FeatureException {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(document.toFile());
        } catch (IOException e) {
            throw new FeatureException(document + " is not valid JSON: " + e.getMessage());
        }
        if (!"1.0".equals(root.path("feature-resource-version").asText())) {
            throw new FeatureException(document + ": \"feature-resource-version\" must be \"1.0\" (OSGi Feature Service 1.0)");
        }
        String id = root.path("id").asText("");
        if (id.split(":").length < 3) {
            throw new FeatureException(document + ": \"id\" must be Maven coordinates groupId:artifactId[:type[:classifier]]:version, was '" + id + "'");
        }
        List<String> ids = new ArrayList<>();
        for (JsonNode bundle : root.path("bundles")) {
            String coordinates = bundle.isTextual() ? bundle.asText() : bundle.path("id").asText("");
            String[] parts = coordinates.split(":");
            if (parts.length < 3) {
                throw new FeatureException(document + ": bundle id '" + coordinates + "' is not groupId:artifactId:version");
            }
            if (OWN_GROUP.equals(parts[0]) && !projectVersion.equals(parts[parts.length - 1])) {
                throw new FeatureException(document + ": " + coordinates + " must have the project version "
                        + projectVersion + " (Hybridge's own bundles are released together)");
            }
            ids.add(coordinates);
        }
        return ids;
    }

    static String repositoryPath(String coordinates) {
        String[] p = coordinates.split(":");
        String classifier = p.length == 5 ? "-" + p[3] : "";
        String version = p[p.length - 1];
        return p[0].replace('.', '/') + "/" + p[1] + "/" + version + "/" + p[1] + "-" + version + classifier + ".jar";
    }

    private static void requireBundle(String coordinates, Path jar) throws IOException, FeatureException {
        try (JarFile file = new JarFile(jar.toFile())) {
            var manifest = file.getManifest();
            if (manifest == null || manifest.getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                throw new FeatureException(coordinates + " (" + jar + ") is not an OSGi bundle: no Bundle-SymbolicName");
            }
        }
    }

    /** A feature document or one of its bundles is wrong; the message says which and why. */
    static final class FeatureException extends Exception {
        FeatureException(String message) {
            super(message);
        }
    }
}
