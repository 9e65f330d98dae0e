package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;

/** The store on real files without a registry: offline loads, pull policies, garbage collection. */
class OciImageStoreTest {

    @TempDir
    Path dir;

    private OciImageStore store() throws Exception {
        // no default registry and no accounts: nothing here may reach a network
        return new OciImageStore(dir.resolve("cache"), "", host -> {
            throw new AssertionError("no registry may be consulted, asked for " + host);
        });
    }

    private static WorkloadSpec.Image spec(String reference, PullPolicy policy, Path archive) {
        return new WorkloadSpec.Image(reference, policy, archive == null ? "" : archive.toString());
    }

    private static void assertReason(Throwable e, Reason reason) {
        assertThat(e).isInstanceOf(WorkloadException.class);
        assertThat(((WorkloadException) e).reason()).isEqualTo(reason);
    }

    @Test
    void loadsALayoutDirectoryAndFindsItAgainWithoutTheArchive() throws Exception {
        TestImage.Built built = new TestImage(1).build();
        Path layout = TestImage.writeLayout(built, dir.resolve("layout"), "1.0");
        UnikernelImage image = store().prepare(spec("hybridge/telemetry:1.0", PullPolicy.NEVER, layout), false);
        assertThat(image.manifestDigest()).isEqualTo(built.manifestDigest());
        assertThat(image.kernel()).hasBinaryContent(new TestImage(1).kernel);
        assertThat(image.initrd().orElseThrow()).hasBinaryContent(new TestImage(1).initrd);
        assertThat(image.unikernelType()).isEqualTo("linux");
        assertThat(image.hypervisor()).isEqualTo("qemu");
        assertThat(image.cmdline()).isEqualTo("console=ttyS0 panic=-1");
        assertThat(image.vcpus()).isEqualTo(1);
        assertThat(image.memoryMiB()).isEqualTo(256);
        assertThat(image.kernel()).startsWith(dir.resolve("cache/images"));

        OciImageStore again = store();
        assertThat(again.present("hybridge/telemetry:1.0")).map(UnikernelImage::manifestDigest).contains(built.manifestDigest());
        assertThat(again.prepare(spec("hybridge/telemetry:1.0", PullPolicy.NEVER, null), false).kernel()).isEqualTo(image.kernel());
        assertThat(again.present("hybridge/telemetry@" + built.manifestDigest())).isPresent();
        assertThat(again.present("hybridge/telemetry:2.0")).isEmpty();
    }

    /** OTA workload-image units: the tar names its image in full; the reference then resolves from the cache. */
    @Test
    void loadsAnOtaImageUnitThatNamesItsImageInFull() throws Exception {
        TestImage.Built built = new TestImage(4).build();
        Path unit = TestImage.writeLayoutTar(built, dir.resolve("unit.oci.tar"),
                Map.of(OciDocuments.REF_NAME, "2.0", OciLayoutArchive.IMAGE_NAME, "hybridge/telemetry:2.0"));
        OciImageStore store = store();
        assertThat(store.loadArchive(unit)).containsExactly("hybridge/telemetry:2.0");
        assertThat(store().present("hybridge/telemetry:2.0")).map(UnikernelImage::manifestDigest).contains(built.manifestDigest());
        assertThat(store().prepare(spec("hybridge/telemetry:2.0", PullPolicy.NEVER, null), false).kernel())
                .hasBinaryContent(new TestImage(4).kernel);

        // a ref name that is a whole reference names it too
        TestImage.Built other = new TestImage(5).build();
        Path whole = TestImage.writeLayoutTar(other, dir.resolve("whole.oci.tar"), "127.0.0.1:15000/acme/filter:3");
        assertThat(store.loadArchive(whole)).containsExactly("127.0.0.1:15000/acme/filter:3");
    }

    /**
     * Units' images outlive garbage collection (no registry brings them back), and so does the
     * image a unit replaced, until the health gate is over: pointing the name back at it is the
     * rollback; forgetting a name lets its image go.
     */
    @Test
    void unitImagesAndWhatTheyReplacedAreKeptAndTheNameCanBePointedBack() throws Exception {
        OciImageStore store = store();
        TestImage.Built v1 = new TestImage(12).build();
        TestImage.Built v2 = new TestImage(13).build();
        store.loadArchive(TestImage.writeLayoutTar(v1, dir.resolve("v1.oci.tar"),
                Map.of(OciLayoutArchive.IMAGE_NAME, "acme/filter:1")));
        store.loadArchive(TestImage.writeLayoutTar(v2, dir.resolve("v2.oci.tar"),
                Map.of(OciLayoutArchive.IMAGE_NAME, "acme/filter:1")));
        assertThat(store.imageId("acme/filter:1")).contains(v2.manifestDigest());

        store.collectGarbage(Set.of()); // no instance uses either
        BlobCache blobs = new BlobCache(dir.resolve("cache"));
        assertThat(blobs.digests()).contains(v1.manifestDigest(), v1.layerDigest(), v2.manifestDigest(), v2.layerDigest());

        store.point("acme/filter:1", Optional.of(v1.manifestDigest()));
        assertThat(store().imageId("acme/filter:1")).contains(v1.manifestDigest());
        assertThat(store().prepare(spec("acme/filter:1", PullPolicy.NEVER, null), false).kernel())
                .hasBinaryContent(new TestImage(12).kernel);
        store.collectGarbage(Set.of());
        assertThat(blobs.digests()).as("the rolled-back image goes, the one pointed back at stays")
                .contains(v1.manifestDigest()).doesNotContain(v2.manifestDigest());

        store.point("acme/filter:1", Optional.empty());
        assertThat(store.imageId("acme/filter:1")).isEmpty();
        store.collectGarbage(Set.of());
        assertThat(blobs.digests()).isEmpty();
        assertThatThrownBy(() -> store.point("acme/filter:1", Optional.of(v2.manifestDigest())))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining("no longer in the unikernel image cache");
    }

    @Test
    void anOtaImageUnitNamedOnlyByItsTagIsRefusedAndChangesNoName() throws Exception {
        TestImage.Built built = new TestImage(6).build();
        Path unit = TestImage.writeLayoutTar(built, dir.resolve("tag-only.oci.tar"), "2.0");
        OciImageStore store = store();
        assertThatThrownBy(() -> store.loadArchive(unit))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID))
                .hasMessageContaining("is named only '2.0'").hasMessageContaining(OciLayoutArchive.IMAGE_NAME);
        assertThat(store.present("hybridge/telemetry:2.0")).isEmpty();
    }

    @Test
    void loadsALayoutTarWithGzipLayerAndAnnotationsOnlyInUruncJson() throws Exception {
        TestImage third = new TestImage(2);
        third.gzip = true;
        third.onManifest = false;
        third.asLabels = false;
        TestImage.Built built = third.build();
        Path tar = TestImage.writeLayoutTar(built, dir.resolve("image.oci.tar"), "latest");
        UnikernelImage image = store().prepare(spec("127.0.0.1:1/third/party", PullPolicy.IF_NOT_PRESENT, tar), false);
        assertThat(image.kernel()).hasBinaryContent(third.kernel);
        assertThat(image.cmdline()).isEqualTo("console=ttyS0 panic=-1");
        assertThat(image.vcpus()).isZero(); // io.hybridge.* are not urunc's: they do not go into urunc.json
    }

    @Test
    void annotationsOnlyInConfigLabels() throws Exception {
        TestImage labelled = new TestImage(3);
        labelled.onManifest = false;
        labelled.inUruncJson = false;
        Path layout = TestImage.writeLayout(labelled.build(), dir.resolve("layout"), "1");
        UnikernelImage image = store().prepare(spec("a/b:1", PullPolicy.NEVER, layout), false);
        assertThat(image.memoryMiB()).isEqualTo(256);
        assertThat(image.hypervisor()).isEqualTo("qemu");
    }

    @Test
    void tarWithATraversalEntryIsRefusedAndWritesNothingOutside() throws Exception {
        TestImage.Built built = new TestImage(4).build();
        Path tar = TestImage.writeLayoutTar(built, dir.resolve("evil.tar"), "1", TestTar.Entry.file("../escaped", "x"));
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.NEVER, tar), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("has entry ../escaped outside the layout");
        assertThat(dir.resolve("escaped")).doesNotExist();
        assertThat(store().present("a/b:1")).isEmpty();
    }

    @Test
    void layerWithATraversalEntryIsRefused() throws Exception {
        TestImage evil = new TestImage(5);
        evil.entries.add(TestTar.Entry.symlink("unikernel/passwd", "../../../../../../etc/passwd"));
        Path layout = TestImage.writeLayout(evil.build(), dir.resolve("layout"), "1");
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.NEVER, layout), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("points outside the image");
        try (Stream<Path> images = Files.list(dir.resolve("cache/images"))) {
            assertThat(images).isEmpty(); // no half image visible
        }
    }

    @Test
    void tagsAndDigestsMustMatchTheArchive() throws Exception {
        TestImage.Built built = new TestImage(6).build();
        Path layout = TestImage.writeLayout(built, dir.resolve("layout"), "1.0");
        assertThatThrownBy(() -> store().prepare(spec("a/b:2.0", PullPolicy.NEVER, layout), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining("holds no image tagged '2.0'")
                .hasMessageContaining("[1.0]");
        String other = "sha256:" + "0".repeat(64);
        assertThatThrownBy(() -> store().prepare(spec("a/b@" + other, PullPolicy.NEVER, layout), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining("does not hold manifest " + other);
        assertThat(store().prepare(spec("a/b:2.0@" + built.manifestDigest(), PullPolicy.NEVER, layout), false).manifestDigest())
                .isEqualTo(built.manifestDigest());

        Path unnamed = TestImage.writeLayout(new TestImage(7).build(), dir.resolve("unnamed"), null);
        assertThat(store().prepare(spec("a/c:any", PullPolicy.NEVER, unnamed), false).kernel()).exists();
    }

    @Test
    void aBlobThatDoesNotMatchItsDigestIsInvalid() throws Exception {
        TestImage.Built built = new TestImage(8).build();
        Path layout = TestImage.writeLayout(built, dir.resolve("layout"), "1");
        byte[] corrupt = built.layer().clone();
        corrupt[600] ^= 1;
        Files.write(layout.resolve("blobs/sha256/" + Digest.hex(built.layerDigest())), corrupt);
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.NEVER, layout), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID))
                .hasMessageContaining("expected " + built.layerDigest()).hasMessageContaining("got " + Digest.of(corrupt));
    }

    @Test
    void missingKernelIsInvalid() throws Exception {
        TestImage noKernel = new TestImage(9);
        noKernel.entries.removeIf(e -> e.name().equals("unikernel/vmlinuz"));
        Path layout = TestImage.writeLayout(noKernel.build(), dir.resolve("layout"), "1");
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.NEVER, layout), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("layer has no unikernel/vmlinuz");
    }

    @Test
    void withoutCacheArchiveOrRegistryTheImageIsNotFound() throws Exception {
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.NEVER, null), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining("pullPolicy is never");
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.ALWAYS, null), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining("never pulls from a public registry");
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.NEVER, dir.resolve("nope.tar")), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining("nope.tar does not exist");
        assertThatThrownBy(() -> store().prepare(spec("A/b", PullPolicy.NEVER, null), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining("image.reference");
    }

    @Test
    void garbageCollectionKeepsWhatIsInUseAndFreesTheRest() throws Exception {
        OciImageStore store = store();
        TestImage.Built kept = new TestImage(10).build();
        TestImage.Built dropped = new TestImage(11).build();
        store.prepare(spec("a/kept:1", PullPolicy.NEVER, TestImage.writeLayout(kept, dir.resolve("k"), "1")), false);
        store.prepare(spec("a/dropped:1", PullPolicy.NEVER, TestImage.writeLayoutTar(dropped, dir.resolve("d.tar"), "1")), false);
        Files.writeString(dir.resolve("cache/tmp/leftover.partial"), "crash");

        long freed = store.collectGarbage(Set.of(kept.manifestDigest()));

        long droppedBlobs = dropped.layer().length + dropped.config().length + dropped.manifest().length;
        long droppedFiles = 4096 + 2048; // kernel + initrd extracted
        assertThat(freed).isGreaterThanOrEqualTo(droppedBlobs + droppedFiles);
        BlobCache blobs = new BlobCache(dir.resolve("cache"));
        assertThat(blobs.digests()).containsExactlyInAnyOrder(kept.manifestDigest(), kept.configDigest(), kept.layerDigest());
        assertThat(store.present("a/dropped:1")).isEmpty();
        assertThat(store.present("a/kept:1")).map(UnikernelImage::kernel).hasValueSatisfying(k -> assertThat(k).exists());
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
        assertThat(Files.readString(dir.resolve("cache/refs.json"))).doesNotContain("a/dropped");
        assertThat(store.collectGarbage(Set.of(kept.manifestDigest()))).isZero();
        assertThat(store.collectGarbage(Set.of())).isGreaterThan(0);
        assertThat(blobs.digests()).isEmpty();
        assertThat(store.present("a/kept:1")).isEqualTo(Optional.empty());
    }

    @Test
    void truncatedArchiveIsInvalid() throws Exception {
        Path tar = TestImage.writeLayoutTar(new TestImage(12).build(), dir.resolve("full.tar"), "1");
        byte[] all = Files.readAllBytes(tar);
        Path truncated = Files.write(dir.resolve("truncated.tar"), java.util.Arrays.copyOf(all, 3000));
        assertThatThrownBy(() -> store().prepare(spec("a/b:1", PullPolicy.NEVER, truncated), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("truncated.tar is not a readable OCI image layout tar");
    }

    @Test
    void damagedRefsFileCostsALoadNotTheStore() throws Exception {
        Path layout = TestImage.writeLayout(new TestImage(13).build(), dir.resolve("layout"), "1");
        store().prepare(spec("a/b:1", PullPolicy.NEVER, layout), false);
        Files.writeString(dir.resolve("cache/refs.json"), "{\"refs\": {broken");
        assertThat(store().present("a/b:1")).isEmpty();
        assertThat(store().prepare(spec("a/b:1", PullPolicy.IF_NOT_PRESENT, layout), false).kernel()).exists();
        assertThat(store().present("a/b:1")).isPresent();
    }
}
