package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

class ImageAnnotationsTest {

    private static final String D = "sha256:" + "c".repeat(64);

    @TempDir
    Path rootfs;

    @Test
    void manifestWinsOverConfigLabelsWhichWinOverUruncJson() {
        Map<String, String> merged = ImageAnnotations.merge(
                Map.of("com.urunc.unikernel.cmdline", "from-manifest"),
                Map.of("com.urunc.unikernel.cmdline", "from-labels", "com.urunc.unikernel.hypervisor", "firecracker"),
                Map.of("com.urunc.unikernel.cmdline", "from-json", "com.urunc.unikernel.hypervisor", "qemu",
                        "com.urunc.unikernel.binary", "/k"));
        assertThat(merged).containsEntry("com.urunc.unikernel.cmdline", "from-manifest")
                .containsEntry("com.urunc.unikernel.hypervisor", "firecracker")
                .containsEntry("com.urunc.unikernel.binary", "/k");
    }

    @Test
    void uruncJsonValuesAreBase64() throws Exception {
        String json = "{\"com.urunc.unikernel.cmdline\":\"" + Base64.getEncoder().encodeToString("console=ttyS0 a=b".getBytes(StandardCharsets.UTF_8))
                + "\",\"com.urunc.unikernel.binary\":\"/plain path\"}";
        Map<String, String> decoded = ImageAnnotations.uruncJson(json.getBytes(StandardCharsets.UTF_8), "urunc.json");
        assertThat(decoded).containsEntry("com.urunc.unikernel.cmdline", "console=ttyS0 a=b")
                .containsEntry("com.urunc.unikernel.binary", "/plain path"); // not base64: taken as it stands
    }

    @Test
    void imageFromAnnotations() throws Exception {
        Files.createDirectories(rootfs.resolve("unikernel"));
        Files.write(rootfs.resolve("unikernel/vmlinuz"), new byte[] {1});
        Files.write(rootfs.resolve("unikernel/initrd"), new byte[] {2});
        UnikernelImage image = ImageAnnotations.toImage("r", D, rootfs, Map.of(
                "com.urunc.unikernel.binary", "/unikernel/vmlinuz", "com.urunc.unikernel.initrd", "unikernel/initrd",
                "com.urunc.unikernel.unikernelType", "linux", "com.urunc.unikernel.hypervisor", "qemu",
                "com.urunc.unikernel.cmdline", "console=ttyS0", "io.hybridge.unikernel.vcpus", "2", "io.hybridge.unikernel.memoryMiB", "256"));
        assertThat(image.kernel()).isEqualTo(rootfs.resolve("unikernel/vmlinuz"));
        assertThat(image.initrd()).contains(rootfs.resolve("unikernel/initrd"));
        assertThat(image.vcpus()).isEqualTo(2);
        assertThat(image.memoryMiB()).isEqualTo(256);
        assertThat(image.cmdline()).isEqualTo("console=ttyS0");
        assertThat(image.hypervisor()).isEqualTo("qemu");
        assertThat(image.manifestDigest()).isEqualTo(D);
    }

    @Test
    void resourcesDefaultToZeroWhenTheImageDoesNotSay() throws Exception {
        Files.write(rootfs.resolve("k"), new byte[] {1});
        UnikernelImage image = ImageAnnotations.toImage("r", D, rootfs, Map.of("com.urunc.unikernel.binary", "k"));
        assertThat(image.vcpus()).isZero();
        assertThat(image.memoryMiB()).isZero();
        assertThat(image.initrd()).isEmpty();
    }

    @Test
    void missingKernelAnnotationOrFileOrBadNumbersAreInvalid() throws Exception {
        assertThatThrownBy(() -> ImageAnnotations.toImage("r", D, rootfs, Map.of()))
                .isInstanceOfSatisfying(WorkloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_INVALID))
                .hasMessageContaining("no com.urunc.unikernel.binary annotation");
        assertThatThrownBy(() -> ImageAnnotations.toImage("r", D, rootfs, Map.of("com.urunc.unikernel.binary", "/unikernel/vmlinuz")))
                .hasMessageContaining("layer has no unikernel/vmlinuz");
        assertThatThrownBy(() -> ImageAnnotations.toImage("r", D, rootfs, Map.of("com.urunc.unikernel.binary", "/../../etc/passwd")))
                .hasMessageContaining("outside the image");
        Files.write(rootfs.resolve("k"), new byte[] {1});
        assertThatThrownBy(() -> ImageAnnotations.toImage("r", D, rootfs, Map.of("com.urunc.unikernel.binary", "k",
                "io.hybridge.unikernel.vcpus", "two")))
                .hasMessageContaining("io.hybridge.unikernel.vcpus is 'two'");
    }
}
