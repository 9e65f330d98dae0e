package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

class LayerExtractorTest {

    @TempDir
    Path dir;

    private Path extract(byte[] layer) throws Exception {
        Path root = Files.createDirectories(dir.resolve("rootfs"));
        new LayerExtractor(1 << 20, 1000).extract(new ByteArrayInputStream(layer), root, "layer x");
        return root;
    }

    private void assertInvalid(byte[] layer, String message) {
        assertThatThrownBy(() -> extract(layer))
                .isInstanceOfSatisfying(WorkloadException.class, e -> assertThat(e.reason()).isEqualTo(Reason.IMAGE_INVALID))
                .hasMessageContaining(message);
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(dir.getParent().resolve("escaped")).doesNotExist();
    }

    @Test
    void filesDirectoriesAndGzip() throws Exception {
        byte[] tar = TestTar.tar(List.of(TestTar.Entry.directory("./unikernel/"), TestTar.Entry.file("./unikernel/vmlinuz", "kernel"),
                TestTar.Entry.file("/urunc.json", "{}")));
        Path root = extract(TestTar.gzip(tar));
        assertThat(root.resolve("unikernel/vmlinuz")).hasContent("kernel");
        assertThat(root.resolve("urunc.json")).hasContent("{}");
    }

    @Test
    void longNamesThroughPax() throws Exception {
        String name = "unikernel/" + "d".repeat(120) + "/vmlinuz";
        Path root = extract(TestTar.tar(List.of(TestTar.Entry.paxPath(name), TestTar.Entry.file("short", "k"))));
        assertThat(root.resolve(name)).hasContent("k");
    }

    @Test
    void traversalByNameIsRefused() {
        assertInvalid(TestTar.tar(List.of(TestTar.Entry.file("../escaped", "x"))), "entry ../escaped points outside the image");
        assertInvalid(TestTar.tar(List.of(TestTar.Entry.file("a/../../escaped", "x"))), "points outside the image");
    }

    @Test
    void linksEscapingAreRefusedAndLinksInsideBecomeCopies() throws Exception {
        assertInvalid(TestTar.tar(List.of(TestTar.Entry.symlink("evil", "../../escaped"))), "link evil -> ../../escaped points outside");
        assertInvalid(TestTar.tar(List.of(TestTar.Entry.hardlink("evil", "../escaped"))), "points outside");

        Path root = extract(TestTar.tar(List.of(TestTar.Entry.file("boot/vmlinuz-6.1", "kernel"),
                TestTar.Entry.symlink("boot/vmlinuz", "vmlinuz-6.1"), TestTar.Entry.hardlink("kernel", "boot/vmlinuz-6.1"),
                TestTar.Entry.symlink("abs", "/boot/vmlinuz-6.1"))));
        for (String link : List.of("boot/vmlinuz", "kernel", "abs")) {
            assertThat(Files.isSymbolicLink(root.resolve(link))).isFalse();
            assertThat(Files.isRegularFile(root.resolve(link), LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(root.resolve(link)).hasContent("kernel");
        }
    }

    @Test
    void absurdSizesAndEntryCountsAreRefused() throws Exception {
        Path root = Files.createDirectories(dir.resolve("small"));
        byte[] big = TestTar.tar(List.of(TestTar.Entry.file("a", new byte[600]), TestTar.Entry.file("b", new byte[600])));
        assertThatThrownBy(() -> new LayerExtractor(1000, 10).extract(new ByteArrayInputStream(big), root, "layer big"))
                .hasMessageContaining("layer big unpacks to more than 1000 bytes");
        byte[] many = TestTar.tar(List.of(TestTar.Entry.file("a", "1"), TestTar.Entry.file("b", "2"), TestTar.Entry.file("c", "3")));
        assertThatThrownBy(() -> new LayerExtractor(1000, 2).extract(new ByteArrayInputStream(many), root, "layer many"))
                .hasMessageContaining("more than 2 entries");
    }

    @Test
    void whiteoutsRemoveWhatEarlierLayersLeft() throws Exception {
        Path root = extract(TestTar.tar(List.of(TestTar.Entry.file("a/old", "1"), TestTar.Entry.file("b/x", "2"))));
        new LayerExtractor(1 << 20, 1000).extract(new ByteArrayInputStream(TestTar.tar(List.of(
                TestTar.Entry.file("a/.wh.old", ""), TestTar.Entry.file("b/.wh..wh..opq", ""), TestTar.Entry.file("b/y", "3")))), root, "layer 2");
        assertThat(root.resolve("a/old")).doesNotExist();
        assertThat(root.resolve("b/x")).doesNotExist();
        assertThat(root.resolve("b/y")).hasContent("3");
    }

    @Test
    void garbageIsNotATar() {
        byte[] garbage = new byte[1024];
        java.util.Arrays.fill(garbage, (byte) 'x');
        assertThatThrownBy(() -> extract(garbage)).hasMessageContaining("not a tar archive");
    }
}
