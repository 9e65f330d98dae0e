package io.hybridge.runtime.unikernel.internal.image;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

/**
 * Turns an image's annotations into a {@link UnikernelImage}. urunc lets them live in three
 * places; engines and registries drop some of them, so all three are read and merged key by
 * key, the first place that has a key winning: <b>manifest annotations</b>, then the
 * <b>config labels</b>, then <b>{@code /urunc.json}</b> of the layers (values base64, as urunc
 * writes them). The manifest wins because it is what the registry serves and the digest pins;
 * urunc.json comes last because it is the fallback urunc itself added for engines that lose
 * annotations.
 */
final class ImageAnnotations {

    static final String URUNC = "com.urunc.unikernel.";
    static final String BINARY = URUNC + "binary";
    static final String INITRD = URUNC + "initrd";
    static final String CMDLINE = URUNC + "cmdline";
    static final String TYPE = URUNC + "unikernelType";
    static final String HYPERVISOR = URUNC + "hypervisor";
    static final String VCPUS = "io.hybridge.unikernel.vcpus";
    static final String MEMORY_MIB = "io.hybridge.unikernel.memoryMiB";
    /** Where urunc's fallback copy of its annotations lives in the image. */
    static final String URUNC_JSON = "urunc.json";

    private ImageAnnotations() {
    }

    static Map<String, String> merge(Map<String, String> manifest, Map<String, String> configLabels, Map<String, String> uruncJson) {
        Map<String, String> merged = new TreeMap<>(uruncJson);
        merged.putAll(configLabels);
        merged.putAll(manifest);
        return merged;
    }

    /**
     * The annotations of urunc.json. urunc base64-encodes each value; a value that is not valid
     * base64 is taken as it stands (hand-written files).
     */
    static Map<String, String> uruncJson(byte[] content, String what) throws WorkloadException {
        Map<String, String> raw = OciDocuments.strings(OciDocuments.json(content, what));
        Map<String, String> decoded = new TreeMap<>();
        raw.forEach((k, v) -> decoded.put(k, decode(v)));
        return decoded;
    }

    private static String decode(String value) {
        try {
            return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    /**
     * The image, with the kernel and initrd the annotations name inside {@code rootfs}.
     *
     * @throws WorkloadException IMAGE_INVALID naming the missing annotation or file, or the bad value
     */
    static UnikernelImage toImage(String reference, String manifestDigest, Path rootfs, Map<String, String> annotations)
            throws WorkloadException {
        String what = "image " + reference + " (" + manifestDigest + ")";
        String binary = annotations.getOrDefault(BINARY, "").strip();
        if (binary.isEmpty()) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + " has no " + BINARY
                    + " annotation (looked in the manifest, the config labels and /" + URUNC_JSON + "); it must name the kernel file, e.g. /unikernel/vmlinuz");
        }
        Path kernel = file(rootfs, binary, what, BINARY);
        Optional<Path> initrd = Optional.empty();
        String initrdName = annotations.getOrDefault(INITRD, "").strip();
        if (!initrdName.isEmpty()) {
            initrd = Optional.of(file(rootfs, initrdName, what, INITRD));
        }
        return new UnikernelImage(reference, manifestDigest, kernel, initrd,
                annotations.getOrDefault(CMDLINE, ""), annotations.getOrDefault(TYPE, ""), annotations.getOrDefault(HYPERVISOR, ""),
                (int) number(annotations, VCPUS, 1024, what), number(annotations, MEMORY_MIB, 1L << 30, what), annotations);
    }

    private static Path file(Path rootfs, String name, String what, String annotation) throws WorkloadException {
        Path base = rootfs.toAbsolutePath().normalize();
        Path file = LayerExtractor.inside(base, base, name, what, annotation + " '" + name + "'");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new WorkloadException(Reason.IMAGE_INVALID, what + ": layer has no " + name.replaceFirst("^/+", "")
                    + ", the file " + annotation + " names");
        }
        return file;
    }

    private static long number(Map<String, String> annotations, String key, long max, String what) throws WorkloadException {
        String value = annotations.getOrDefault(key, "").strip();
        if (value.isEmpty()) {
            return 0;
        }
        try {
            long n = Long.parseLong(value);
            if (n >= 0 && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new WorkloadException(Reason.IMAGE_INVALID, what + ": " + key + " is '" + value
                + "'; expected a whole number from 0 to " + max);
    }
}
