package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;

/**
 * The {@link ImageStore} over an OCI registry (the unikernel hub) and OCI image layouts, with a
 * content-addressed cache under one directory:
 * <pre>
 *   blobs/sha256/&lt;hex&gt;          every verified blob (manifests, configs, layers)
 *   images/&lt;manifest hex&gt;/      one extracted image: rootfs/ (the layers) and image.json (resolved annotations)
 *   refs.json                   reference → manifest digest, for present() and if-not-present without network
 *   tmp/                        downloads and extractions in progress; moved into place only when complete
 * </pre>
 * A reference without a registry host is found in the cache, or pulled from the configured
 * default registry — never from a public one.
 */
public final class OciImageStore implements ImageStore {

    private static final Logger LOG = LoggerFactory.getLogger(OciImageStore.class);
    /** Unpacked, one image may take this much (the telemetry image takes ~40 MiB). */
    static final long MAX_IMAGE_BYTES = 4L << 30;
    static final int MAX_IMAGE_ENTRIES = 100_000;
    /** One lock per cache directory and manifest digest, shared by every store over that directory in this JVM. */
    private static final Map<String, Object> IMAGE_LOCKS = new ConcurrentHashMap<>();
    /** Pulls share, garbage collection excludes them: a blob being pulled is not yet reachable from any image. */
    private static final Map<Path, ReadWriteLock> GC_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final Path images;
    private final String defaultRegistry;
    private final BlobCache blobs;
    private final RefsFile refs;
    /**
     * What OTA units loaded (reference → digest) and what each load replaced: kept by garbage
     * collection while named there, since no registry can bring them back, and the replaced one
     * is what a failed health gate points the reference back at.
     */
    private final RefsFile unitImages;
    private final RefsFile replacedByUnits;
    private final RegistryClient registry;
    private final ReadWriteLock gcLock;

    /**
     * @param root            the cache directory (the runtime passes {@code <gateway var>/unikernel/images})
     * @param defaultRegistry {@code host[:port]} for references that name no registry, or empty: then such references are only looked up in the cache
     * @param accounts        the account and transport settings for a registry {@code host[:port]}, if configured
     */
    public OciImageStore(Path root, String defaultRegistry, Function<String, Optional<RegistryAccount>> accounts) throws IOException {
        this(root, defaultRegistry, accounts, Duration.ofSeconds(10), Duration.ofMinutes(10));
    }

    /**
     * @param connectTimeout how long a registry may take to accept a connection
     * @param requestTimeout how long one request may take until its response headers (a blob's body then streams on)
     */
    public OciImageStore(Path root, String defaultRegistry, Function<String, Optional<RegistryAccount>> accounts,
                         Duration connectTimeout, Duration requestTimeout) throws IOException {
        this.root = Files.createDirectories(root).toAbsolutePath().normalize();
        this.images = Files.createDirectories(this.root.resolve("images"));
        this.defaultRegistry = RegistryAccount.normalise(defaultRegistry);
        this.blobs = new BlobCache(this.root);
        this.refs = new RefsFile(this.root);
        this.unitImages = new RefsFile(this.root, "unit-refs.json");
        this.replacedByUnits = new RefsFile(this.root, "unit-replaced.json");
        this.registry = new RegistryClient(accounts, connectTimeout, requestTimeout);
        this.gcLock = GC_LOCKS.computeIfAbsent(this.root, r -> new ReentrantReadWriteLock());
    }

    @Override
    public UnikernelImage prepare(WorkloadSpec.Image image, boolean forcePull) throws WorkloadException {
        ImageReference reference = parse(image.reference());
        gcLock.readLock().lock();
        try {
            Optional<UnikernelImage> cached = cached(reference, image.reference());
            boolean hasArchive = !image.archive().isEmpty();
            // a digest names immutable content: present is final, whatever the policy
            if (cached.isPresent() && (reference.pinned() || image.pullPolicy() == PullPolicy.NEVER
                    || image.pullPolicy() == PullPolicy.IF_NOT_PRESENT && !forcePull)) {
                return cached.get();
            }
            if (image.pullPolicy() == PullPolicy.NEVER) {
                if (!hasArchive) {
                    throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + reference + " is not in the unikernel image cache and"
                            + " image.pullPolicy is never; give image.archive (an OCI image layout directory or tar) or allow a pull");
                }
                return load(reference, image);
            }
            if (image.pullPolicy() == PullPolicy.IF_NOT_PRESENT && !forcePull && hasArchive) {
                return load(reference, image);
            }
            return pullOrLoad(reference, image);
        } catch (IOException e) {
            throw new WorkloadException(Reason.INTERNAL, "unikernel image cache " + root + ": " + e, e);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @Override
    public List<String> loadArchive(Path tar) throws WorkloadException {
        gcLock.readLock().lock();
        try {
            Map<String, String> loaded;
            try {
                loaded = new OciLayoutArchive(blobs).loadNamed(tar);
            } catch (TarReader.CorruptTarException | java.util.zip.ZipException | java.io.EOFException e) {
                throw new WorkloadException(Reason.IMAGE_INVALID, tar + " is not a readable OCI image layout tar: " + e.getMessage(), e);
            }
            // every image is checked (kernel present, annotations readable) before any name moves to it
            for (Map.Entry<String, String> image : loaded.entrySet()) {
                materialize(image.getValue(), image.getKey());
            }
            for (Map.Entry<String, String> image : loaded.entrySet()) {
                Optional<String> replaced = refs.get(image.getKey()).filter(d -> !d.equals(image.getValue()));
                if (replaced.isPresent()) {
                    replacedByUnits.put(image.getKey(), replaced.get());
                }
                unitImages.put(image.getKey(), image.getValue());
                refs.put(image.getKey(), image.getValue());
                LOG.info("loaded unikernel image {} ({}) from {}{}", image.getKey(), image.getValue(), tar,
                        replaced.map(d -> "; it replaces " + d + ", kept for a rollback").orElse(""));
            }
            return List.copyOf(loaded.keySet());
        } catch (IOException e) {
            throw new WorkloadException(Reason.INTERNAL, "unikernel image cache " + root + ": " + e, e);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @Override
    public Optional<String> imageId(String reference) throws WorkloadException {
        try {
            return cached(parse(reference), reference).map(UnikernelImage::manifestDigest);
        } catch (IOException e) {
            throw new WorkloadException(Reason.INTERNAL, "unikernel image cache " + root + ": " + e, e);
        }
    }

    /** Names the cached image by the reference again (empty: forgets the name), under the cache's lock against collection. */
    @Override
    public void point(String reference, Optional<String> manifestDigest) throws WorkloadException {
        ImageReference parsed = parse(reference);
        if (parsed.pinned()) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "image " + reference + " is pinned by digest: that name"
                    + " cannot be moved to another image");
        }
        gcLock.readLock().lock();
        try {
            String key = lookup(parsed).map(Map.Entry::getKey).orElse(parsed.toString()); // where the name is found now
            if (manifestDigest.isEmpty()) {
                refs.remove(key);
                unitImages.remove(key);
            } else {
                if (!blobs.has(manifestDigest.get())) {
                    throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + manifestDigest.get() + " (to be named "
                            + reference + " again) is no longer in the unikernel image cache");
                }
                materialize(manifestDigest.get(), reference);
                refs.put(key, manifestDigest.get());
                if (unitImages.get(key).isPresent()) {
                    unitImages.put(key, manifestDigest.get());
                }
            }
            replacedByUnits.remove(key);
            LOG.info("unikernel image name {} now {}", key, manifestDigest.map(d -> "names " + d).orElse("removed"));
        } catch (IOException e) {
            throw new WorkloadException(Reason.INTERNAL, "unikernel image cache " + root + ": " + e, e);
        } finally {
            gcLock.readLock().unlock();
        }
    }

    @Override
    public Optional<UnikernelImage> present(String reference) {
        try {
            return cached(ImageReference.parse(reference), reference);
        } catch (IllegalArgumentException | WorkloadException | IOException e) {
            LOG.debug("image {} is not usable from the cache: {}", reference, e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public long collectGarbage(Set<String> inUse) throws IOException {
        gcLock.writeLock().lock();
        try {
            // what units loaded, and what they replaced, has no registry to come back from
            Set<String> manifestDigestsInUse = new HashSet<>(inUse);
            manifestDigestsInUse.addAll(unitImages.digests());
            manifestDigestsInUse.addAll(replacedByUnits.digests());
            long freed = 0;
            Set<String> keptBlobs = new HashSet<>();
            try (Stream<Path> list = Files.list(images)) {
                for (Path dir : list.toList()) {
                    String digest = Digest.PREFIX + dir.getFileName();
                    if (Digest.isValid(digest) && manifestDigestsInUse.contains(digest)) {
                        keptBlobs.addAll(reachable(digest));
                    } else {
                        freed += deleteTree(dir);
                    }
                }
            }
            // manifests in use whose extraction is gone still keep their blobs
            for (String digest : manifestDigestsInUse) {
                if (Digest.isValid(digest)) {
                    keptBlobs.addAll(reachable(digest));
                }
            }
            for (String digest : blobs.digests()) {
                if (!keptBlobs.contains(digest)) {
                    Path blob = blobs.path(digest);
                    long size = Files.size(blob);
                    Files.delete(blob);
                    freed += size;
                }
            }
            freed += deleteTree(blobs.tmpDirectory());
            Files.createDirectories(blobs.tmpDirectory());
            refs.removeIf(digest -> !Files.isDirectory(imageDirectory(digest)));
            LOG.info("unikernel image cache {}: collected {} bytes; {} images in use", root, freed, manifestDigestsInUse.size());
            return freed;
        } finally {
            gcLock.writeLock().unlock();
        }
    }

    /** The manifest and the blobs it names, as far as the cache holds them. */
    private Set<String> reachable(String manifestDigest) throws IOException {
        Set<String> kept = new HashSet<>();
        if (!blobs.has(manifestDigest)) {
            return kept;
        }
        kept.add(manifestDigest);
        try {
            OciDocuments.Manifest manifest = OciDocuments.manifest(OciDocuments.json(blobs.read(manifestDigest), manifestDigest), manifestDigest);
            kept.add(manifest.config().digest());
            manifest.layers().forEach(l -> kept.add(l.digest()));
        } catch (WorkloadException e) {
            LOG.warn("cached manifest {} is unreadable ({}); only the manifest itself is kept", manifestDigest, e.getMessage());
        }
        return kept;
    }

    /** The refs.json entry (key, digest) the reference is found under: as written, or in the default registry. */
    private Optional<Map.Entry<String, String>> lookup(ImageReference reference) throws IOException {
        List<String> keys = !reference.hasRegistry() && !defaultRegistry.isEmpty()
                ? List.of(reference.toString(), reference.inRegistry(defaultRegistry).toString())
                : List.of(reference.toString());
        for (String key : keys) {
            Optional<String> digest = refs.get(key);
            if (digest.isPresent()) {
                return Optional.of(Map.entry(key, digest.get()));
            }
        }
        return Optional.empty();
    }

    private Optional<UnikernelImage> cached(ImageReference reference, String asWritten) throws WorkloadException, IOException {
        Optional<String> digest = lookup(reference).map(Map.Entry::getValue);
        if (digest.isEmpty() && reference.pinned()) {
            digest = Optional.of(reference.digest());
        }
        if (digest.isEmpty()) {
            return Optional.empty();
        }
        return readImage(digest.get(), asWritten);
    }

    private UnikernelImage pullOrLoad(ImageReference reference, WorkloadSpec.Image image) throws WorkloadException, IOException {
        ImageReference from = reference;
        if (!reference.hasRegistry()) {
            if (defaultRegistry.isEmpty()) {
                if (!image.archive().isEmpty()) {
                    return load(reference, image);
                }
                throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image " + reference + " is not in the unikernel image cache, and"
                        + " the reference names no registry; the gateway never pulls from a public registry by itself. Name the"
                        + " registry (e.g. 127.0.0.1:15000/" + reference + "), configure a default registry, or give image.archive");
            }
            from = reference.inRegistry(defaultRegistry);
        }
        try {
            return pull(reference, from, image.reference());
        } catch (WorkloadException e) {
            if (e.reason() == Reason.REGISTRY_UNAVAILABLE && !image.archive().isEmpty()) {
                LOG.warn("{}; loading image {} from image.archive {} instead", e.getMessage(), reference, image.archive());
                return load(reference, image);
            }
            throw e;
        }
    }

    private UnikernelImage pull(ImageReference reference, ImageReference from, String asWritten) throws WorkloadException, IOException {
        RegistryClient.Fetched top = registry.manifest(from, from.manifestReference());
        if (from.pinned() && !top.digest().equals(from.digest())) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "registry " + from.registry() + " served manifest " + top.digest()
                    + " for " + from + ", which pins " + from.digest() + "; refused");
        }
        String what = "manifest " + from.manifestReference() + " of " + from.name();
        Map<String, Object> json = OciDocuments.json(top.content(), what);
        RegistryClient.Fetched chosen = top;
        if (OciDocuments.isIndex(top.mediaType(), json)) {
            OciDocuments.Descriptor entry = OciDocuments.selectPlatform(OciDocuments.index(json, "index " + top.digest()),
                    "index " + top.digest() + " of " + from);
            chosen = registry.manifest(from, entry.digest());
            if (!chosen.digest().equals(entry.digest()) || chosen.content().length != entry.size()) {
                throw new WorkloadException(Reason.IMAGE_INVALID, "registry " + from.registry() + " served manifest " + chosen.digest()
                        + " (" + chosen.content().length + " bytes) for index entry " + entry.digest() + " (" + entry.size() + " bytes) of " + from);
            }
            what = "manifest " + entry.digest() + " of " + from.name();
            json = OciDocuments.json(chosen.content(), what);
        } else if (!top.mediaType().isEmpty() && !OciDocuments.MANIFEST_TYPES.contains(top.mediaType())
                && !top.mediaType().startsWith("application/json")) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " has media type " + top.mediaType() + "; expected an OCI or Docker v2 image manifest or index");
        }
        OciDocuments.Manifest manifest = OciDocuments.manifest(json, what);
        String manifestDigest = chosen.digest();
        for (OciDocuments.Descriptor blob : blobsOf(manifest)) {
            if (!blobs.has(blob.digest())) {
                registry.blob(from, blob, blobs, blob == manifest.config() ? "config" : "layer");
            }
        }
        blobs.store(chosen.content(), manifestDigest, what);
        UnikernelImage unikernel = materialize(manifestDigest, asWritten);
        refs.put(reference.toString(), manifestDigest);
        if (from != reference) {
            refs.put(from.toString(), manifestDigest);
        }
        LOG.info("pulled unikernel image {} ({}) from {}", reference, manifestDigest, from.registry());
        return unikernel;
    }

    private UnikernelImage load(ImageReference reference, WorkloadSpec.Image image) throws WorkloadException, IOException {
        String manifestDigest;
        try {
            manifestDigest = new OciLayoutArchive(blobs).load(image.archivePath().orElseThrow(), reference);
        } catch (TarReader.CorruptTarException | java.util.zip.ZipException | java.io.EOFException e) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "image.archive " + image.archive()
                    + " is not a readable OCI image layout tar: " + e.getMessage(), e);
        }
        if (reference.pinned() && !manifestDigest.equals(reference.digest())) {
            // the pinned digest named an index in the archive; the platform manifest is what the cache keys images by
            LOG.info("image {} pins index {}; its linux/amd64 manifest is {}", reference, reference.digest(), manifestDigest);
        }
        UnikernelImage unikernel = materialize(manifestDigest, image.reference());
        refs.put(reference.toString(), manifestDigest);
        LOG.info("loaded unikernel image {} ({}) from {}", reference, manifestDigest, image.archive());
        return unikernel;
    }

    private static Iterable<OciDocuments.Descriptor> blobsOf(OciDocuments.Manifest manifest) throws WorkloadException {
        java.util.List<OciDocuments.Descriptor> all = new java.util.ArrayList<>();
        if (manifest.config().size() > OciDocuments.MAX_DOCUMENT_BYTES) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "config " + manifest.config().digest() + " claims " + manifest.config().size()
                    + " bytes; image configs are small JSON documents (at most " + OciDocuments.MAX_DOCUMENT_BYTES + ")");
        }
        all.add(manifest.config());
        for (OciDocuments.Descriptor layer : manifest.layers()) {
            checkLayerType(layer);
            all.add(layer);
        }
        return all;
    }

    static void checkLayerType(OciDocuments.Descriptor layer) throws WorkloadException {
        String type = layer.mediaType();
        if (!OciDocuments.TAR_LAYERS.contains(type) && !OciDocuments.GZIP_LAYERS.contains(type)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "layer " + layer.digest() + " has media type '" + type + "'; supported are "
                    + OciDocuments.TAR_LAYERS + " and " + OciDocuments.GZIP_LAYERS + " (zstd layers are not)");
        }
        if (layer.size() > MAX_IMAGE_BYTES) {
            throw new WorkloadException(Reason.IMAGE_INVALID, "layer " + layer.digest() + " claims " + layer.size()
                    + " bytes; one image may take at most " + MAX_IMAGE_BYTES);
        }
    }

    /**
     * The extracted image for a manifest in the blob cache, extracting it first if needed: into
     * {@code tmp/}, then renamed into {@code images/} in one step, so a crash mid-extraction
     * leaves nothing a reader could mistake for an image.
     */
    private UnikernelImage materialize(String manifestDigest, String asWritten) throws WorkloadException, IOException {
        synchronized (IMAGE_LOCKS.computeIfAbsent(root + "@" + manifestDigest, k -> new Object())) {
            Optional<UnikernelImage> existing = readImage(manifestDigest, asWritten);
            if (existing.isPresent()) {
                return existing.get();
            }
            String what = "image " + asWritten + " (" + manifestDigest + ")";
            OciDocuments.Manifest manifest = OciDocuments.manifest(OciDocuments.json(blobs.read(manifestDigest), what), what);
            for (OciDocuments.Descriptor layer : manifest.layers()) {
                checkLayerType(layer);
            }
            Map<String, String> labels = OciDocuments.configLabels(manifest.config(), blobs.read(manifest.config().digest()),
                    "config " + manifest.config().digest() + " of " + what);
            Path work = Files.createTempDirectory(blobs.tmpDirectory(), "image");
            try {
                Path rootfs = Files.createDirectories(work.resolve("rootfs"));
                LayerExtractor extractor = new LayerExtractor(MAX_IMAGE_BYTES, MAX_IMAGE_ENTRIES);
                for (OciDocuments.Descriptor layer : manifest.layers()) {
                    try (InputStream in = Files.newInputStream(blobs.path(layer.digest()))) {
                        extractor.extract(in, rootfs, "layer " + layer.digest() + " of " + what);
                    }
                }
                Map<String, String> urunc = Map.of();
                Path uruncJson = rootfs.resolve(ImageAnnotations.URUNC_JSON);
                if (Files.isRegularFile(uruncJson) && Files.size(uruncJson) <= OciDocuments.MAX_DOCUMENT_BYTES) {
                    urunc = ImageAnnotations.uruncJson(Files.readAllBytes(uruncJson), "/urunc.json of " + what);
                }
                Map<String, String> annotations = ImageAnnotations.merge(manifest.annotations(), labels, urunc);
                ImageAnnotations.toImage(asWritten, manifestDigest, rootfs, annotations); // validates before it becomes visible
                Map<String, Object> metadata = new LinkedHashMap<>();
                metadata.put("manifestDigest", manifestDigest);
                metadata.put("annotations", annotations);
                Files.write(work.resolve("image.json"), JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asBytes(metadata));
                try {
                    Files.move(work, imageDirectory(manifestDigest), StandardCopyOption.ATOMIC_MOVE);
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    LOG.debug("image {} was extracted concurrently; keeping that copy", manifestDigest);
                }
            } catch (TarReader.CorruptTarException | java.util.zip.ZipException | java.io.EOFException e) {
                throw new WorkloadException(Reason.IMAGE_INVALID, "a layer of " + what + " is not a readable tar: " + e.getMessage(), e);
            } finally {
                LayerExtractor.deleteRecursively(work);
            }
            return readImage(manifestDigest, asWritten).orElseThrow(() -> new IOException("image " + manifestDigest + " vanished after extraction"));
        }
    }

    private Optional<UnikernelImage> readImage(String manifestDigest, String asWritten) throws WorkloadException, IOException {
        Path dir = imageDirectory(manifestDigest);
        Path metadata = dir.resolve("image.json");
        if (!Files.isRegularFile(metadata)) {
            return Optional.empty();
        }
        Map<String, Object> json = JSON.std.mapFrom(Files.readAllBytes(metadata));
        Map<String, String> annotations = OciDocuments.strings(json == null ? null : json.get("annotations"));
        return Optional.of(ImageAnnotations.toImage(asWritten, manifestDigest, dir.resolve("rootfs"), annotations));
    }

    private Path imageDirectory(String manifestDigest) {
        return images.resolve(Digest.hex(manifestDigest));
    }

    private static ImageReference parse(String reference) throws WorkloadException {
        try {
            return ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "image.reference " + e.getMessage());
        }
    }

    private static long deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return 0;
        }
        long[] size = {0};
        try (Stream<Path> walk = Files.walk(path)) {
            walk.filter(Files::isRegularFile).forEach(p -> {
                try {
                    size[0] += Files.size(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        LayerExtractor.deleteRecursively(path);
        return size[0];
    }
}
