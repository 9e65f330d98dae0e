package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

/**
 * Reads the JSON documents of the OCI image spec and the Docker v2 schema 2 equivalents:
 * manifests, indexes (manifest lists), image configs. Everything the store does not understand
 * is an IMAGE_INVALID naming the document and what is wrong.
 */
final class OciDocuments {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** What a manifest request accepts, best first. */
    static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

    static final Set<String> MANIFEST_TYPES = Set.of(OCI_MANIFEST, DOCKER_MANIFEST);
    static final Set<String> INDEX_TYPES = Set.of(OCI_INDEX, DOCKER_LIST);
    static final Set<String> CONFIG_TYPES = Set.of("application/vnd.oci.image.config.v1+json",
            "application/vnd.docker.container.image.v1+json");
    static final Set<String> TAR_LAYERS = Set.of("application/vnd.oci.image.layer.v1.tar",
            "application/vnd.docker.image.rootfs.diff.tar");
    static final Set<String> GZIP_LAYERS = Set.of("application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.docker.image.rootfs.diff.tar.gzip");

    /** Manifests, indexes and configs are small; the distribution spec lets registries refuse more than 4 MiB. */
    static final long MAX_DOCUMENT_BYTES = 4L << 20;

    static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** A content descriptor; {@code os}/{@code architecture} are empty unless an index gives a platform. */
    record Descriptor(String mediaType, String digest, long size, Map<String, String> annotations,
                      String os, String architecture) {
        Descriptor {
            annotations = Map.copyOf(annotations);
        }

        boolean isIndex() {
            return INDEX_TYPES.contains(mediaType);
        }
    }

    record Manifest(Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    }

    record Index(List<Descriptor> manifests) {
    }

    private OciDocuments() {
    }

    static Map<String, Object> json(byte[] content, String what) throws WorkloadException {
        try {
            Map<String, Object> map = JSON.std.mapFrom(content);
            if (map == null) {
                throw new WorkloadException(Reason.IMAGE_INVALID, what + " is empty, not a JSON object");
            }
            return map;
        } catch (IOException | RuntimeException e) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " is not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /**
     * Whether a document is an index: the media type the registry or the descriptor gave,
     * else its own {@code mediaType}, else its shape.
     */
    static boolean isIndex(String declaredMediaType, Map<String, Object> json) {
        String type = declaredMediaType == null || declaredMediaType.isBlank() || declaredMediaType.startsWith("application/json")
                ? string(json.get("mediaType")) : declaredMediaType;
        if (!type.isEmpty()) {
            return INDEX_TYPES.contains(type);
        }
        return json.containsKey("manifests") && !json.containsKey("layers");
    }

    static Manifest manifest(Map<String, Object> json, String what) throws WorkloadException {
        String type = string(json.get("mediaType"));
        if (!type.isEmpty() && !MANIFEST_TYPES.contains(type)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " has media type " + type + "; expected " + OCI_MANIFEST
                    + " or " + DOCKER_MANIFEST);
        }
        if (!(json.get("config") instanceof Map<?, ?> config)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " has no config descriptor");
        }
        if (!(json.get("layers") instanceof List<?> layers) || layers.isEmpty()) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " has no layers; a unikernel image needs one holding the kernel");
        }
        List<Descriptor> layerDescriptors = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            layerDescriptors.add(descriptor(layers.get(i), what + " layer " + i));
        }
        return new Manifest(descriptor(config, what + " config"), List.copyOf(layerDescriptors), strings(json.get("annotations")));
    }

    static Index index(Map<String, Object> json, String what) throws WorkloadException {
        if (!(json.get("manifests") instanceof List<?> manifests)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " is an index without a manifests list");
        }
        List<Descriptor> descriptors = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            descriptors.add(descriptor(manifests.get(i), what + " entry " + i));
        }
        return new Index(List.copyOf(descriptors));
    }

    /**
     * The entry of an index this gateway runs: linux/amd64, or the only entry when there is just
     * one (artifacts often carry no platform).
     */
    static Descriptor selectPlatform(Index index, String what) throws WorkloadException {
        List<Descriptor> manifests = index.manifests();
        for (Descriptor d : manifests) {
            if (d.os().equals("linux") && d.architecture().equals("amd64")) {
                return d;
            }
        }
        if (manifests.size() == 1) {
            return manifests.get(0);
        }
        List<String> platforms = manifests.stream().map(d -> d.os() + "/" + d.architecture()).toList();
        throw new WorkloadException(Reason.IMAGE_NOT_FOUND, what + " has no linux/amd64 manifest"
                + (manifests.isEmpty() ? " (it is empty)" : "; it has " + platforms));
    }

    /** {@code config.Labels} of an image config, or nothing for configs of other types (artifacts). */
    static Map<String, String> configLabels(Descriptor config, byte[] content, String what) throws WorkloadException {
        if (!CONFIG_TYPES.contains(config.mediaType())) {
            return Map.of();
        }
        Map<String, Object> json = json(content, what);
        if (json.get("config") instanceof Map<?, ?> inner) {
            return strings(inner.get("Labels"));
        }
        return Map.of();
    }

    static Descriptor descriptor(Object node, String what) throws WorkloadException {
        if (!(node instanceof Map<?, ?> map)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " is not a descriptor object");
        }
        String mediaType = string(map.get("mediaType"));
        String digest = string(map.get("digest"));
        if (!Digest.isValid(digest)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " has digest '" + digest
                    + "'; only sha256:<64 lower-case hex> is supported");
        }
        if (!(map.get("size") instanceof Number size) || size.longValue() < 0) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " (" + digest + ") has no valid size");
        }
        String os = "";
        String architecture = "";
        if (map.get("platform") instanceof Map<?, ?> platform) {
            os = string(platform.get("os"));
            architecture = string(platform.get("architecture"));
        }
        return new Descriptor(mediaType, digest, size.longValue(), strings(map.get("annotations")), os, architecture);
    }

    static Map<String, String> strings(Object node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    out.put(k.toString(), v.toString());
                }
            });
        }
        return out;
    }

    private static String string(Object value) {
        return value == null ? "" : value.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
