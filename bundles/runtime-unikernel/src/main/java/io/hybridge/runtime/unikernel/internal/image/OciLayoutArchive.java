package io.hybridge.runtime.unikernel.internal.image;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

/**
 * Loads an image from an OCI image layout (the directory, or the tar of it that image-tools
 * and {@code oras}/{@code skopeo} write) into the blob cache, verifying every blob against its
 * digest on the way, for gateways that never see the hub.
 *
 * <p>Which manifest: for a pinned reference, the one with that digest, which the archive must
 * hold. For a tag, the index entry whose {@code org.opencontainers.image.ref.name} is the tag
 * (or the whole reference, as some tools write it); an archive with a single entry that carries
 * no ref name is taken as the image the spec names, since the operator gave that archive for
 * it. An archive whose entries are named, but none by this tag, is refused (IMAGE_NOT_FOUND
 * listing the names it has): loading another version silently would defeat the tag.
 */
final class OciLayoutArchive {

    /** The full image name on an index entry, as containerd and buildkit write it. */
    static final String IMAGE_NAME = "io.containerd.image.name";

    private final BlobCache cache;

    OciLayoutArchive(BlobCache cache) {
        this.cache = cache;
    }

    /** Imports the image and returns the digest of its (platform) manifest, now in the cache with its config and layers. */
    String load(Path archive, ImageReference reference) throws WorkloadException, IOException {
        if (Files.isDirectory(archive)) {
            return fromDirectory(archive, reference);
        }
        if (Files.isRegularFile(archive)) {
            return fromTar(archive, reference);
        }
        throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image.archive " + archive
                + " does not exist; give an OCI image layout directory or its tar");
    }

    private String fromDirectory(Path layout, ImageReference reference) throws WorkloadException, IOException {
        Path indexFile = layout.resolve("index.json");
        if (!Files.isRegularFile(indexFile)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "image.archive " + layout + " is not an OCI image layout: it has no index.json");
        }
        byte[] index = readBounded(Files.newInputStream(indexFile), indexFile.toString());
        BlobSource source = d -> {
            Path blob = layout.resolve("blobs").resolve("sha256").resolve(Digest.hex(d.digest()));
            if (!Files.isRegularFile(blob)) {
                return false;
            }
            try (InputStream in = Files.newInputStream(blob)) {
                cache.store(in, d.digest(), d.size(), d.size() >= 0 ? d.size() : OciDocuments.MAX_DOCUMENT_BYTES, "blob of " + layout);
            }
            return true;
        };
        return resolve(layout.toString(), index, reference, source);
    }

    private String fromTar(Path tar, ImageReference reference) throws WorkloadException, IOException {
        byte[] index = importTar(tar);
        // every blob of the tar is in the cache now, verified
        BlobSource source = d -> cache.has(d.digest());
        return resolve(tar.toString(), index, reference, source);
    }

    /**
     * An OTA workload-image unit: imports every image the layout tar names in full, and returns
     * each reference with the digest of its (platform) manifest. The name comes from
     * {@value #IMAGE_NAME} (containerd's and buildkit's annotation, which Hybridge's image build
     * writes too) or from a ref name that is a whole reference; a layout naming an image only by
     * its tag is refused, since a unit must not guess which repository it updates.
     */
    Map<String, String> loadNamed(Path tar) throws WorkloadException, IOException {
        byte[] indexJson = importTar(tar);
        OciDocuments.Index index = OciDocuments.index(OciDocuments.json(indexJson, tar + " index.json"), tar + " index.json");
        Map<String, String> loaded = new LinkedHashMap<>();
        BlobSource source = d -> cache.has(d.digest());
        for (OciDocuments.Descriptor entry : index.manifests()) {
            String name = fullName(tar, entry);
            if (!loaded.containsKey(name)) {
                loaded.put(name, resolve(tar.toString(), entry, source));
            }
        }
        if (loaded.isEmpty()) {
            throw new WorkloadException(Reason.IMAGE_INVALID, tar + " is an OCI layout that names no image (index.json has no manifests)");
        }
        return loaded;
    }

    private static String fullName(Path tar, OciDocuments.Descriptor entry) throws WorkloadException {
        String name = entry.annotations().getOrDefault(IMAGE_NAME, entry.annotations().getOrDefault(OciDocuments.REF_NAME, ""));
        if (name.indexOf('/') < 0 || name.indexOf(':') < 0 && name.indexOf('@') < 0) {
            throw new WorkloadException(Reason.IMAGE_INVALID, tar + ": manifest " + entry.digest()
                    + (name.isEmpty() ? " has no name" : " is named only '" + name + "'") + "; a workload-image unit must name its images in full (annotation " + IMAGE_NAME + " or "
                    + OciDocuments.REF_NAME + " = repository:tag, e.g. hybridge/telemetry:1.0), as hybridge-image-tools"
                    + " layout --name writes it");
        }
        try {
            return ImageReference.parse(name).toString();
        } catch (IllegalArgumentException e) {
            throw new WorkloadException(Reason.IMAGE_INVALID, tar + ": manifest " + entry.digest() + " is named '" + name
                    + "', which is not an image reference: " + e.getMessage());
        }
    }

    /** Imports every blob of a layout tar into the cache (verified) and returns its index.json. */
    private byte[] importTar(Path tar) throws WorkloadException, IOException {
        byte[] index = null;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tar), 1 << 16)) {
            TarReader reader = new TarReader(LayerExtractor.decompressed(new BufferedInputStream(in)), tar.toString());
            TarReader.Entry entry;
            while ((entry = reader.next()) != null) {
                String name = entry.name().replaceFirst("^(\\./)+", "");
                if (name.startsWith("/") || name.equals("..") || name.startsWith("../") || name.contains("/../") || name.endsWith("/..")) {
                    throw new WorkloadException(Reason.IMAGE_INVALID, "image.archive " + tar + " has entry " + entry.name()
                            + " outside the layout; an OCI layout tar holds only oci-layout, index.json and blobs/");
                }
                if (!entry.isFile()) {
                    continue; // directories; links have no place in a layout and are ignored
                }
                if (name.equals("index.json")) {
                    index = readBounded(reader.content(), tar + "!index.json");
                } else if (name.startsWith("blobs/sha256/")) {
                    String digest = Digest.PREFIX + name.substring("blobs/sha256/".length());
                    if (!Digest.isValid(digest)) {
                        throw new WorkloadException(Reason.IMAGE_INVALID, "image.archive " + tar + " has blob " + name
                                + " whose name is not a sha256 digest");
                    }
                    if (!cache.has(digest)) {
                        cache.store(reader.content(), digest, entry.size(), entry.size(), "blob " + name + " of " + tar);
                    }
                }
            }
        }
        if (index == null) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "image.archive " + tar + " is not an OCI image layout tar: it has no index.json");
        }
        return index;
    }

    /** Brings one blob into the cache (verified); false when the archive does not hold it. */
    @FunctionalInterface
    private interface BlobSource {
        boolean fetch(OciDocuments.Descriptor descriptor) throws WorkloadException, IOException;
    }

    private String resolve(String archive, byte[] indexJson, ImageReference reference, BlobSource source)
            throws WorkloadException, IOException {
        OciDocuments.Index index = OciDocuments.index(OciDocuments.json(indexJson, archive + " index.json"), archive + " index.json");
        return resolve(archive, choose(archive, index, reference), source);
    }

    /** Makes the chosen entry's manifest, config and layers present; returns the platform manifest's digest. */
    private String resolve(String archive, OciDocuments.Descriptor chosen, BlobSource source) throws WorkloadException, IOException {
        require(source, chosen, archive, "manifest");
        byte[] content = cache.read(chosen.digest());
        var json = OciDocuments.json(content, "manifest " + chosen.digest() + " of " + archive);
        if (OciDocuments.isIndex(chosen.mediaType(), json)) {
            chosen = OciDocuments.selectPlatform(OciDocuments.index(json, "index " + chosen.digest()), "index " + chosen.digest() + " of " + archive);
            require(source, chosen, archive, "manifest");
            json = OciDocuments.json(cache.read(chosen.digest()), "manifest " + chosen.digest() + " of " + archive);
        }
        OciDocuments.Manifest manifest = OciDocuments.manifest(json, "manifest " + chosen.digest() + " of " + archive);
        require(source, manifest.config(), archive, "config");
        for (OciDocuments.Descriptor layer : manifest.layers()) {
            require(source, layer, archive, "layer");
        }
        return chosen.digest();
    }

    private static OciDocuments.Descriptor choose(String archive, OciDocuments.Index index, ImageReference reference)
            throws WorkloadException {
        List<OciDocuments.Descriptor> entries = index.manifests();
        if (reference.pinned()) {
            Optional<OciDocuments.Descriptor> entry = entries.stream().filter(d -> d.digest().equals(reference.digest())).findFirst();
            // a pinned digest may also be a manifest only an index in the archive names; the size is then unknown here
            return entry.orElseGet(() -> new OciDocuments.Descriptor("", reference.digest(), -1, java.util.Map.of(), "", ""));
        }
        String tag = reference.tagOrLatest();
        String full = reference.name() + ":" + tag;
        List<OciDocuments.Descriptor> named = new ArrayList<>();
        for (OciDocuments.Descriptor d : entries) {
            String refName = d.annotations().getOrDefault(OciDocuments.REF_NAME, "");
            if (refName.equals(tag) || refName.equals(full) || refName.endsWith("/" + reference.repository() + ":" + tag)) {
                named.add(d);
            }
        }
        if (!named.isEmpty()) {
            return named.stream().filter(d -> d.os().equals("linux") && d.architecture().equals("amd64")).findFirst().orElse(named.get(0));
        }
        if (entries.size() == 1 && !entries.get(0).annotations().containsKey(OciDocuments.REF_NAME)) {
            return entries.get(0);
        }
        List<String> names = entries.stream().map(d -> d.annotations().getOrDefault(OciDocuments.REF_NAME, "(unnamed)")).toList();
        throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image.archive " + archive + " holds no image tagged '" + tag
                + "' for " + reference + "; its " + OciDocuments.REF_NAME + " names are " + names
                + ". Give the reference one of these tags, or pin the manifest digest");
    }

    private void require(BlobSource source, OciDocuments.Descriptor d, String archive, String what)
            throws WorkloadException, IOException {
        if (!cache.has(d.digest()) && !source.fetch(d)) {
            throw missing(archive, d, what);
        }
    }

    private static WorkloadException missing(String archive, OciDocuments.Descriptor d, String what) {
        return new WorkloadException(what.equals("manifest") ? Reason.IMAGE_NOT_FOUND : Reason.IMAGE_INVALID,
                "image.archive " + archive + " does not hold " + what + " " + d.digest());
    }

    private static byte[] readBounded(InputStream stream, String what) throws WorkloadException, IOException {
        try (InputStream in = stream) {
            byte[] content = in.readNBytes((int) OciDocuments.MAX_DOCUMENT_BYTES + 1);
            if (content.length > OciDocuments.MAX_DOCUMENT_BYTES) {
                throw new WorkloadException(Reason.IMAGE_INVALID, what + " is larger than " + OciDocuments.MAX_DOCUMENT_BYTES + " bytes");
            }
            return content;
        }
    }
}
