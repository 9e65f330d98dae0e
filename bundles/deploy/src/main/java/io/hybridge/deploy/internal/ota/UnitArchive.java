package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.deploy.internal.BundleArchiveCheck;

/**
 * What a downloaded unit is, and whether it is safe to open. The layouts:
 * <ul>
 * <li><b>bundle</b>: an OSGi bundle jar.</li>
 * <li><b>feature</b>: a zip with {@code feature.json} (an OSGi Feature document) at its root and
 * each bundle it lists at {@code bundles/<artifactId>-<version>.jar} (the Maven file name of
 * the bundle's id {@code group:artifact:version}).</li>
 * <li><b>workload-image</b>: a tar, a container image as {@code docker save} writes it
 * ({@code manifest.json}) or an OCI image layout ({@code oci-layout}, {@code index.json}).</li>
 * </ul>
 * Entries that would land outside the archive (absolute, {@code ..}, backslashes, drive letters)
 * and archives that unpack to more than the limits (zip bombs) are refused before anything is
 * written.
 */
final class UnitArchive {

    enum Type {
        BUNDLE("bundle"), FEATURE("feature"), WORKLOAD_IMAGE("workload-image"), SELF_UPDATE("self-update");

        final String wireName;

        Type(String wireName) {
            this.wireName = wireName;
        }

        static Optional<Type> fromWire(String name) {
            for (Type type : values()) {
                if (type.wireName.equals(name)) {
                    return Optional.of(type);
                }
            }
            return Optional.empty();
        }
    }

    /** A bundle of a feature archive, unpacked into the store. */
    record FeatureBundle(String id, Path jar) {
    }

    /** Archive limits, from the configuration. */
    record Limits(int maxEntries, long maxUnpackedBytes) {
    }

    private UnitArchive() {
    }

    /** Detects the type from the content. */
    static Type detect(Path file) throws DeployException {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new DeployException("the unit " + file.getFileName() + " cannot be read: " + e.getMessage());
        }
        if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            try (ZipFile zip = new ZipFile(file.toFile())) {
                return zip.getEntry("feature.json") != null ? Type.FEATURE : Type.BUNDLE;
            } catch (IOException e) {
                throw new DeployException("truncated or corrupt archive: " + e.getMessage());
            }
        }
        if (n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            // a gzip: the distribution archive hybridge-<version>.tar.gz; the launcher's stager checks its content
            return Type.SELF_UPDATE;
        }
        if (n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar")) {
            return Type.WORKLOAD_IMAGE;
        }
        throw new DeployException("the unit is neither a bundle jar, a feature zip, an image tar nor a"
                + " hybridge-<version>.tar.gz (dp.unit.type may name it: bundle, feature, workload-image or self-update)");
    }

    /** Refuses entry names that would escape the directory they are unpacked into. */
    static void checkEntryName(String name) throws DeployException {
        String normalized = name.replace('\\', '/');
        if (name.contains("\\") || normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")
                || List.of(normalized.split("/")).contains("..") || name.indexOf('\0') >= 0) {
            throw new DeployException("path traversal: archive entry '" + name + "' points outside the archive");
        }
    }

    /** A bundle unit: a complete jar whose manifest makes it a bundle. */
    static Manifest checkBundle(Path jar, Limits limits) throws DeployException {
        checkZip(jar, limits);
        Manifest manifest;
        try (JarFile file = new JarFile(jar.toFile(), false)) {
            manifest = file.getManifest();
        } catch (IOException e) {
            throw new DeployException("truncated or corrupt bundle: " + e.getMessage());
        }
        Optional<String> problem = BundleArchiveCheck.manifestProblem(manifest);
        if (problem.isPresent()) {
            throw new DeployException("not a bundle: " + problem.get());
        }
        return manifest;
    }

    /**
     * Reads the central directory and every entry, counting real (not declared) bytes: proves the
     * zip is whole and neither escapes nor explodes.
     */
    static void checkZip(Path file, Limits limits) throws DeployException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            int count = 0;
            long unpacked = 0;
            byte[] buffer = new byte[64 * 1024];
            for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                checkEntryName(entry.getName());
                if (++count > limits.maxEntries()) {
                    throw new DeployException("zip bomb: more than " + limits.maxEntries() + " entries");
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    for (int read; (read = in.read(buffer)) >= 0;) {
                        unpacked += read;
                        if (unpacked > limits.maxUnpackedBytes()) {
                            throw new DeployException("zip bomb: unpacks to more than " + limits.maxUnpackedBytes()
                                    + " bytes (maxUnpackedMiB of " + DeploymentAgent.PID + ")");
                        }
                    }
                }
            }
            if (count == 0) {
                throw new DeployException("truncated or corrupt archive: no entries");
            }
        } catch (ZipException e) {
            throw new DeployException("truncated or corrupt archive: " + e.getMessage());
        } catch (IOException e) {
            throw new DeployException("the archive cannot be read: " + e.getMessage());
        }
    }

    /**
     * Checks a feature archive and copies its bundles into the store, in the order the Feature
     * document lists them.
     */
    @SuppressWarnings("unchecked")
    static List<FeatureBundle> unpackFeature(Path file, Limits limits, UnitStore store) throws DeployException {
        checkZip(file, limits);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry document = zip.getEntry("feature.json");
            Map<String, Object> feature;
            try (InputStream in = zip.getInputStream(document)) {
                feature = JSON.std.mapFrom(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new DeployException("feature.json is not a JSON Feature document: " + e.getMessage());
            }
            Object bundles = feature.get("bundles");
            if (!(bundles instanceof List<?> list) || list.isEmpty()) {
                throw new DeployException("feature.json lists no bundles; a feature unit needs \"bundles\": [{\"id\": \"g:a:v\"}, …]");
            }
            Map<String, FeatureBundle> unpacked = new LinkedHashMap<>();
            for (Object item : list) {
                String id = item instanceof Map<?, ?> map ? String.valueOf(((Map<String, Object>) map).get("id"))
                        : String.valueOf(item);
                String[] gav = id.split(":");
                if (gav.length < 3) {
                    throw new DeployException("feature.json bundle id '" + id + "' is not group:artifact:version");
                }
                String artifact = gav[1];
                String version = gav[gav.length - 1];
                String entryName = "bundles/" + artifact + "-" + version + ".jar";
                ZipEntry entry = zip.getEntry(entryName);
                if (entry == null) {
                    throw new DeployException("feature.json lists " + id + " but the archive has no " + entryName);
                }
                Path jar;
                try (InputStream in = zip.getInputStream(entry)) {
                    jar = store.put(in, "jar");
                }
                try (InputStream in = Files.newInputStream(jar)) {
                    Optional<String> problem = BundleArchiveCheck.problem(in);
                    if (problem.isPresent()) {
                        throw new DeployException(entryName + " is not a bundle: " + problem.get());
                    }
                }
                unpacked.put(id, new FeatureBundle(id, jar));
            }
            return new ArrayList<>(unpacked.values());
        } catch (IOException e) {
            throw new DeployException("the feature archive cannot be read: " + e.getMessage());
        }
    }

    /**
     * Checks an image tar: every header readable, names inside, sizes within the limits, and the
     * files that make it a {@code docker save} archive or an OCI layout present.
     */
    static String checkImageTar(Path file, Limits limits) throws DeployException {
        boolean dockerManifest = false;
        boolean ociLayout = false;
        long unpacked = 0;
        int count = 0;
        try (InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            byte[] header = new byte[512];
            while (true) {
                if (in.readNBytes(header, 0, 512) < 512) {
                    throw new DeployException("truncated archive: the tar ends inside a header");
                }
                if (isZero(header)) {
                    break;
                }
                String name = cString(header, 0, 100);
                String prefix = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar")
                        ? cString(header, 345, 155) : "";
                String fullName = prefix.isEmpty() ? name : prefix + "/" + name;
                char type = (char) header[156];
                long size = parseOctal(header, 124, 12);
                if (type != 'x' && type != 'g' && type != 'L') {
                    checkEntryName(fullName);
                    if (type == '1' || type == '2') {
                        String target = cString(header, 157, 100);
                        if (target.startsWith("/") || List.of(target.split("/")).contains("..")) {
                            throw new DeployException("path traversal: link '" + fullName + "' points to '" + target + "'");
                        }
                    }
                }
                String base = fullName.startsWith("./") ? fullName.substring(2) : fullName;
                dockerManifest |= base.equals("manifest.json");
                ociLayout |= base.equals("oci-layout");
                if (++count > limits.maxEntries()) {
                    throw new DeployException("archive bomb: more than " + limits.maxEntries() + " entries");
                }
                unpacked += size;
                if (unpacked > limits.maxUnpackedBytes()) {
                    throw new DeployException("archive bomb: unpacks to more than " + limits.maxUnpackedBytes() + " bytes");
                }
                long padded = (size + 511) / 512 * 512;
                try {
                    in.skipNBytes(padded);
                } catch (java.io.EOFException e) {
                    throw new DeployException("truncated archive: entry '" + fullName + "' ends early");
                }
            }
        } catch (IOException e) {
            throw new DeployException("the image tar cannot be read: " + e.getMessage());
        }
        if (dockerManifest) {
            return "docker-archive";
        }
        if (ociLayout) {
            return "oci-layout";
        }
        throw new DeployException("the tar is neither a container image (docker save: manifest.json) nor an OCI"
                + " layout (oci-layout, index.json)");
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long parseOctal(byte[] bytes, int offset, int length) throws DeployException {
        String text = cString(bytes, offset, length).trim();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(text, 8);
        } catch (NumberFormatException e) {
            throw new DeployException("corrupt archive: tar size field '" + text + "' is not octal");
        }
    }
}
