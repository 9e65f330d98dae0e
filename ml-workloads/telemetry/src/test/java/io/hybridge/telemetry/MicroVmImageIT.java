package io.hybridge.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The OCI image layout holds what the boot test boots: the kernel and initrd at the paths urunc's
 * annotations name, the command line the image is built with, and Hybridge's resource and bus
 * annotations matching the example spec.
 */
class MicroVmImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theLayoutCarriesTheBootedKernelInitrdAndCommandLine() throws Exception {
        MicroVm image = MicroVm.built();
        Path layout = Path.of(image.properties.getProperty("oci.layout"));
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        String manifestDigest = index.get("manifests").get(0).get("digest").asText();
        assertThat(manifestDigest).isEqualTo(image.properties.getProperty("oci.manifest"));
        JsonNode manifest = JSON.readTree(blob(layout, manifestDigest).toFile());
        JsonNode a = manifest.get("annotations");

        assertThat(a.get("com.urunc.unikernel.unikernelType").asText()).isEqualTo("linux");
        assertThat(a.get("com.urunc.unikernel.hypervisor").asText()).isEqualTo("qemu");
        assertThat(a.get("com.urunc.unikernel.cmdline").asText()).isEqualTo(image.cmdline);
        Map<String, byte[]> layer = untar(blob(layout, manifest.get("layers").get(0).get("digest").asText()));
        assertThat(sha256(layer.get(a.get("com.urunc.unikernel.binary").asText().substring(1)))).isEqualTo(sha256(Files.readAllBytes(image.kernel)));
        assertThat(sha256(layer.get(a.get("com.urunc.unikernel.initrd").asText().substring(1)))).isEqualTo(sha256(Files.readAllBytes(image.initrd)));
        assertThat(layer).containsKey("urunc.json");

        JsonNode spec = JSON.readTree(Path.of(System.getProperty("telemetry.workload.spec", "telemetry.workload.json")).toFile());
        assertThat(a.get("io.hybridge.unikernel.memoryMiB").asInt()).isEqualTo(spec.get("resources").get("memoryMiB").asInt());
        assertThat(a.get("io.hybridge.unikernel.vcpus").asDouble()).isEqualTo(spec.get("resources").get("cpus").asDouble());
        assertThat(a.get("io.hybridge.bus.publish").asText().split(",")).containsExactlyInAnyOrder(
                JSON.convertValue(spec.get("bus").get("publish"), String[].class));
        assertThat(a.get("io.hybridge.bus.subscribe").asText().split(",")).containsExactlyInAnyOrder(
                JSON.convertValue(spec.get("bus").get("subscribe"), String[].class));
        assertThat(Files.size(Path.of(image.properties.getProperty("oci.tar")))).isGreaterThan(Files.size(image.initrd));
    }

    private static Path blob(Path layout, String digest) {
        return layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Regular files of a ustar archive (what the layout's layer is). */
    private static Map<String, byte[]> untar(Path tar) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(tar)) {
            byte[] header = new byte[512];
            while (in.readNBytes(header, 0, 512) == 512 && header[0] != 0) {
                String name = new String(header, 0, 100, StandardCharsets.UTF_8).replaceAll("\0.*", "");
                long size = Long.parseLong(new String(header, 124, 11, StandardCharsets.US_ASCII).trim(), 8);
                byte[] content = in.readNBytes((int) size);
                in.skipNBytes((512 - size % 512) % 512);
                if (header[156] == '0') {
                    files.put(name, content);
                }
            }
        }
        return files;
    }
}
