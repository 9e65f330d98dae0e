package io.hybridge.imagetools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes a unikernel image as an OCI image layout (image-spec v1.1: {@code oci-layout},
 * {@code index.json}, {@code blobs/sha256/...}) and the same as one tar, the way urunc packs
 * unikernels: one uncompressed layer holding the kernel, the initrd and {@code /urunc.json}
 * (urunc's annotations, values base64-encoded, for engines that drop annotations), the
 * annotations on the manifest and as labels in the image config. Reproducible: equal inputs give
 * equal digests.
 */
public final class OciImageLayout {

    public static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
    public static final String MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    public static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    public static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";
    public static final String REF_NAME = "org.opencontainers.image.ref.name";
    /** The full image name on an index entry (containerd's annotation). */
    public static final String IMAGE_NAME = "io.containerd.image.name";
    /** urunc's annotations start with this; they also go into {@code /urunc.json}. */
    public static final String URUNC_PREFIX = "com.urunc.unikernel.";

    private static final Pattern DIGEST = Pattern.compile("\"digest\":\"(sha256:[0-9a-f]{64})\"");

    /** What was written. */
    public record Written(Path layout, Path tar, String manifestDigest, long manifestSize, String layerDigest) {
    }

    private OciImageLayout() {
    }

    /** {@link #write(Path, Path, String, String, Map, Map)} without a full image name. */
    public static Written write(Path layout, Path tar, String refName, Map<String, Path> files,
                                Map<String, String> annotations) throws IOException {
        return write(layout, tar, refName, null, files, annotations);
    }

    /**
     * @param layout      directory to (re)create
     * @param tar         the layout as one tar (written next to it); null: none
     * @param refName     the tag recorded in {@code index.json}
     * @param imageName   the full reference ({@code repository:tag}) recorded as {@value #IMAGE_NAME} on the
     *                    index entry, as containerd writes it; a gateway's OTA agent needs it to know which
     *                    image a workload-image unit updates. Null: none
     * @param files       path inside the image (no leading '/') → file on this machine
     * @param annotations manifest annotations and config labels
     */
    public static Written write(Path layout, Path tar, String refName, String imageName, Map<String, Path> files,
                                Map<String, String> annotations) throws IOException {
        Map<String, String> sortedAnnotations = new TreeMap<>(annotations);
        deleteRecursively(layout);
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));

        // the layer: parent directories, the files, urunc.json
        List<Tar.Entry> entries = new ArrayList<>();
        TreeMap<String, Path> sortedFiles = new TreeMap<>(files);
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        for (String name : sortedFiles.keySet()) {
            for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
                dirs.add(name.substring(0, slash + 1));
            }
        }
        dirs.forEach(d -> entries.add(Tar.Entry.directory(d)));
        sortedFiles.forEach((name, source) -> entries.add(Tar.Entry.file(name, source, 0644)));
        Map<String, Object> urunc = new TreeMap<>();
        sortedAnnotations.forEach((k, v) -> {
            if (k.startsWith(URUNC_PREFIX)) {
                urunc.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
            }
        });
        entries.add(Tar.Entry.file("urunc.json", Json.write(urunc).getBytes(StandardCharsets.UTF_8), 0644));
        Blob layer = writeBlob(blobs, out -> Tar.write(out, entries));

        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architecture", "amd64");
        config.put("os", "linux");
        config.put("config", Map.of("Labels", sortedAnnotations));
        config.put("rootfs", orderedMap("type", "layers", "diff_ids", List.of(layer.digest)));
        Blob configBlob = writeBlob(blobs, Json.write(config).getBytes(StandardCharsets.UTF_8));

        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MANIFEST_MEDIA_TYPE);
        manifest.put("config", descriptor(CONFIG_MEDIA_TYPE, configBlob, null));
        manifest.put("layers", List.of(descriptor(LAYER_MEDIA_TYPE, layer, null)));
        manifest.put("annotations", sortedAnnotations);
        Blob manifestBlob = writeBlob(blobs, Json.write(manifest).getBytes(StandardCharsets.UTF_8));

        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX_MEDIA_TYPE);
        Map<String, Object> entry = descriptor(MANIFEST_MEDIA_TYPE, manifestBlob, imageName == null ? Map.of(REF_NAME, refName)
                : new TreeMap<>(Map.of(REF_NAME, refName, IMAGE_NAME, imageName)));
        entry.put("platform", orderedMap("architecture", "amd64", "os", "linux"));
        index.put("manifests", List.of(entry));
        Files.writeString(layout.resolve("index.json"), Json.write(index));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");

        if (tar != null) {
            List<Tar.Entry> all = new ArrayList<>();
            all.add(Tar.Entry.file("oci-layout", layout.resolve("oci-layout"), 0644));
            all.add(Tar.Entry.file("index.json", layout.resolve("index.json"), 0644));
            all.add(Tar.Entry.directory("blobs/"));
            all.add(Tar.Entry.directory("blobs/sha256/"));
            try (Stream<Path> list = Files.list(blobs)) {
                list.sorted(Comparator.comparing(Path::toString))
                        .forEach(p -> all.add(Tar.Entry.file("blobs/sha256/" + p.getFileName(), p, 0644)));
            }
            Path partial = tar.resolveSibling(tar.getFileName() + ".partial");
            try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
                Tar.write(out, all);
            }
            Files.move(partial, tar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        return new Written(layout, tar, manifestBlob.digest, manifestBlob.size, layer.digest);
    }

    /** The digest of the manifest {@code index.json} names first. */
    public static String manifestDigest(Path layout) throws IOException {
        Matcher m = DIGEST.matcher(Files.readString(layout.resolve("index.json")));
        if (!m.find()) {
            throw new IOException(layout.resolve("index.json") + " names no manifest");
        }
        return m.group(1);
    }

    /** The blobs a manifest refers to (config and layers), in order. */
    public static List<String> referencedDigests(String manifestJson) {
        List<String> digests = new ArrayList<>();
        Matcher m = DIGEST.matcher(manifestJson);
        while (m.find()) {
            digests.add(m.group(1));
        }
        return digests;
    }

    public static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private record Blob(String digest, long size) {
    }

    @FunctionalInterface
    private interface Writer {
        void write(OutputStream out) throws IOException;
    }

    private static Blob writeBlob(Path blobs, byte[] content) throws IOException {
        return writeBlob(blobs, out -> out.write(content));
    }

    private static Blob writeBlob(Path blobs, Writer writer) throws IOException {
        Path temp = Files.createTempFile(blobs, "blob", ".partial");
        MessageDigest sha256 = sha256();
        try (OutputStream out = new DigestOutputStream(new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 16), sha256)) {
            writer.write(out);
        }
        String hex = HexFormat.of().formatHex(sha256.digest());
        long size = Files.size(temp);
        Files.move(temp, blobs.resolve(hex), StandardCopyOption.REPLACE_EXISTING);
        return new Blob("sha256:" + hex, size);
    }

    private static Map<String, Object> descriptor(String mediaType, Blob blob, Map<String, String> annotations) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mediaType", mediaType);
        d.put("digest", blob.digest);
        d.put("size", blob.size);
        if (annotations != null) {
            d.put("annotations", annotations);
        }
        return d;
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
