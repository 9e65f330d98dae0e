package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;

/**
 * The store against the real loopback registry with authentication
 * (itests/provision/provision.sh), run by failsafe against the packaged bundle jar.
 */
class OciImageStoreRegistryTest {

    @TempDir
    Path dir;

    private final Function<String, Optional<RegistryAccount>> accounts = RegistryAccount.lookup(List.of(TestRegistry.ACCOUNT));

    @BeforeEach
    void registry() {
        TestRegistry.assumeAvailable();
    }

    private OciImageStore store(String defaultRegistry, Function<String, Optional<RegistryAccount>> lookup) throws Exception {
        return new OciImageStore(dir.resolve("cache"), defaultRegistry, lookup, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private static WorkloadSpec.Image spec(String reference, PullPolicy policy) {
        return new WorkloadSpec.Image(reference, policy, "");
    }

    private static void assertReason(Throwable e, Reason reason) {
        assertThat(e).isInstanceOf(WorkloadException.class);
        assertThat(((WorkloadException) e).reason()).isEqualTo(reason);
    }

    @Test
    void pullsByDigestWithCredentials() throws Exception {
        TestImage source = new TestImage(100);
        TestImage.Built built = source.build();
        String repo = TestRegistry.repository("digest");
        TestRegistry.push(repo, "1.0", built);

        String reference = TestRegistry.HOST + "/" + repo + "@" + built.manifestDigest();
        UnikernelImage image = store("", accounts).prepare(spec(reference, PullPolicy.IF_NOT_PRESENT), false);

        assertThat(image.reference()).isEqualTo(reference);
        assertThat(image.manifestDigest()).isEqualTo(built.manifestDigest());
        assertThat(image.kernel()).hasBinaryContent(source.kernel);
        assertThat(image.initrd().orElseThrow()).hasBinaryContent(source.initrd);
        assertThat(image.vcpus()).isEqualTo(1);
        assertThat(image.memoryMiB()).isEqualTo(256);
        assertThat(new BlobCache(dir.resolve("cache")).digests())
                .containsExactlyInAnyOrder(built.manifestDigest(), built.configDigest(), built.layerDigest());
    }

    @Test
    void pullsByTagThenIfNotPresentNeedsNoRegistry() throws Exception {
        TestImage.Built built = new TestImage(101).build();
        String repo = TestRegistry.repository("tag");
        TestRegistry.push(repo, "1.0", built);
        // a reference without registry, pulled from the default registry
        UnikernelImage pulled = store(TestRegistry.HOST, accounts).prepare(spec(repo + ":1.0", PullPolicy.IF_NOT_PRESENT), false);
        assertThat(pulled.manifestDigest()).isEqualTo(built.manifestDigest());

        // the same cache, now with a default registry nothing listens on, and a lookup that counts being asked
        AtomicInteger asked = new AtomicInteger();
        String dead = "127.0.0.1:" + TestRegistry.deadPort();
        OciImageStore offline = store(dead, host -> {
            asked.incrementAndGet();
            return Optional.empty();
        });
        assertThat(offline.prepare(spec(repo + ":1.0", PullPolicy.IF_NOT_PRESENT), false).kernel()).isEqualTo(pulled.kernel());
        assertThat(offline.prepare(spec(TestRegistry.HOST + "/" + repo + ":1.0", PullPolicy.IF_NOT_PRESENT), false).manifestDigest())
                .isEqualTo(built.manifestDigest());
        assertThat(offline.present(repo + ":1.0")).isPresent();
        assertThat(asked).hasValue(0);

        // and "always" does go to the (dead) registry
        assertThatThrownBy(() -> offline.prepare(spec(repo + ":1.0", PullPolicy.ALWAYS), false))
                .satisfies(e -> assertReason(e, Reason.REGISTRY_UNAVAILABLE)).hasMessageContaining(dead).hasMessageContaining("does not answer");
        assertThatThrownBy(() -> offline.prepare(spec(repo + ":1.0", PullPolicy.IF_NOT_PRESENT), true))
                .satisfies(e -> assertReason(e, Reason.REGISTRY_UNAVAILABLE));
    }

    @Test
    void wrongPasswordOrNoAccountIsRegistryAuth() throws Exception {
        String repo = TestRegistry.repository("auth");
        TestRegistry.push(repo, "1", new TestImage(102).build());
        String reference = TestRegistry.HOST + "/" + repo + ":1";
        var wrong = RegistryAccount.lookup(List.of(new RegistryAccount(TestRegistry.HOST, "hybridge", "not-the-password", false)));
        assertThatThrownBy(() -> store("", wrong).prepare(spec(reference, PullPolicy.ALWAYS), false))
                .satisfies(e -> assertReason(e, Reason.REGISTRY_AUTH))
                .hasMessageContaining("registry " + TestRegistry.HOST).hasMessageContaining("user hybridge");
        assertThatThrownBy(() -> store("", host -> Optional.empty()).prepare(spec(reference, PullPolicy.ALWAYS), false))
                .satisfies(e -> assertReason(e, Reason.REGISTRY_AUTH)).hasMessageContaining("none are configured")
                .hasMessageContaining(RegistryCredential.FACTORY_PID);
    }

    @Test
    void unknownTagOrDigestIsNotFound() throws Exception {
        String repo = TestRegistry.repository("missing");
        TestRegistry.push(repo, "1", new TestImage(103).build());
        assertThatThrownBy(() -> store("", accounts).prepare(spec(TestRegistry.HOST + "/" + repo + ":2", PullPolicy.ALWAYS), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND)).hasMessageContaining(TestRegistry.HOST + "/" + repo + ":2");
        String unknown = TestRegistry.HOST + "/" + repo + "@sha256:" + "0".repeat(64);
        assertThatThrownBy(() -> store("", accounts).prepare(spec(unknown, PullPolicy.ALWAYS), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_NOT_FOUND));
    }

    @Test
    void missingKernelIsInvalid() throws Exception {
        TestImage noKernel = new TestImage(104);
        noKernel.entries.removeIf(e -> e.name().equals("unikernel/vmlinuz"));
        String repo = TestRegistry.repository("nokernel");
        TestRegistry.push(repo, "1", noKernel.build());
        assertThatThrownBy(() -> store("", accounts).prepare(spec(TestRegistry.HOST + "/" + repo + ":1", PullPolicy.ALWAYS), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("layer has no unikernel/vmlinuz");
        try (Stream<Path> images = Files.list(dir.resolve("cache/images"))) {
            assertThat(images).isEmpty();
        }

        TestImage noAnnotation = new TestImage(105);
        noAnnotation.annotations.remove("com.urunc.unikernel.binary");
        String repo2 = TestRegistry.repository("nobinary");
        TestRegistry.push(repo2, "1", noAnnotation.build());
        assertThatThrownBy(() -> store("", accounts).prepare(spec(TestRegistry.HOST + "/" + repo2 + ":1", PullPolicy.ALWAYS), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("no com.urunc.unikernel.binary annotation");
    }

    @Test
    void gzipLayerWithAnnotationsOnlyInUruncJson() throws Exception {
        TestImage third = new TestImage(106);
        third.gzip = true;
        third.onManifest = false;
        third.asLabels = false;
        String repo = TestRegistry.repository("gzip");
        TestRegistry.push(repo, "latest", third.build());
        UnikernelImage image = store("", accounts).prepare(spec(TestRegistry.HOST + "/" + repo, PullPolicy.ALWAYS), false);
        assertThat(image.kernel()).hasBinaryContent(third.kernel);
        assertThat(image.hypervisor()).isEqualTo("qemu");
        assertThat(image.cmdline()).isEqualTo("console=ttyS0 panic=-1");
    }

    @Test
    void indexPicksLinuxAmd64() throws Exception {
        TestImage arm = new TestImage(107);
        TestImage amd = new TestImage(108);
        TestImage.Built armBuilt = arm.build();
        TestImage.Built amdBuilt = amd.build();
        String repo = TestRegistry.repository("index");
        TestRegistry.push(repo, "arm64", armBuilt);
        TestRegistry.push(repo, "amd64", amdBuilt);
        Map<String, Object> armEntry = TestImage.descriptor(OciDocuments.OCI_MANIFEST, armBuilt.manifestDigest(), armBuilt.manifest().length);
        armEntry.put("platform", Map.of("os", "linux", "architecture", "arm64"));
        Map<String, Object> amdEntry = TestImage.descriptor(OciDocuments.OCI_MANIFEST, amdBuilt.manifestDigest(), amdBuilt.manifest().length);
        amdEntry.put("platform", Map.of("os", "linux", "architecture", "amd64"));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("schemaVersion", 2);
        index.put("mediaType", OciDocuments.OCI_INDEX);
        index.put("manifests", List.of(armEntry, amdEntry));
        byte[] indexBytes = JSON.std.asBytes(index);
        TestRegistry.pushManifest(repo, "multi", indexBytes, OciDocuments.OCI_INDEX);

        OciImageStore store = store("", accounts);
        UnikernelImage image = store.prepare(spec(TestRegistry.HOST + "/" + repo + ":multi", PullPolicy.ALWAYS), false);
        assertThat(image.manifestDigest()).isEqualTo(amdBuilt.manifestDigest());
        assertThat(image.kernel()).hasBinaryContent(amd.kernel);
        // pinned to the index digest: found again in the cache by that digest
        String pinned = TestRegistry.HOST + "/" + repo + "@" + Digest.of(indexBytes);
        assertThat(store.prepare(spec(pinned, PullPolicy.IF_NOT_PRESENT), false).manifestDigest()).isEqualTo(amdBuilt.manifestDigest());
        assertThat(store.present(pinned)).isPresent();
    }

    @Test
    void concurrentPreparesOfOneImageShareTheCacheSafely() throws Exception {
        TestImage source = new TestImage(109);
        TestImage.Built built = source.build();
        String repo = TestRegistry.repository("concurrent");
        TestRegistry.push(repo, "1", built);
        String reference = TestRegistry.HOST + "/" + repo + ":1";
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<UnikernelImage>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                // separate store instances over one directory, as after a bundle restart
                OciImageStore store = store("", accounts);
                results.add(pool.submit(() -> store.prepare(spec(reference, PullPolicy.ALWAYS), false)));
            }
            for (Future<UnikernelImage> result : results) {
                UnikernelImage image = result.get(60, TimeUnit.SECONDS);
                assertThat(image.manifestDigest()).isEqualTo(built.manifestDigest());
                assertThat(image.kernel()).hasBinaryContent(source.kernel);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> images = Files.list(dir.resolve("cache/images"))) {
            assertThat(images).hasSize(1);
        }
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
    }

    @Test
    void garbageCollectionFreesBlobsNoImageInUseReaches() throws Exception {
        TestImage.Built kept = new TestImage(110).build();
        TestImage.Built dropped = new TestImage(111).build();
        String repo = TestRegistry.repository("gc");
        TestRegistry.push(repo, "kept", kept);
        TestRegistry.push(repo, "dropped", dropped);
        OciImageStore store = store("", accounts);
        store.prepare(spec(TestRegistry.HOST + "/" + repo + ":kept", PullPolicy.ALWAYS), false);
        store.prepare(spec(TestRegistry.HOST + "/" + repo + ":dropped", PullPolicy.ALWAYS), false);

        long freed = store.collectGarbage(Set.of(kept.manifestDigest()));

        assertThat(freed).isGreaterThanOrEqualTo(dropped.layer().length + dropped.config().length + dropped.manifest().length);
        assertThat(new BlobCache(dir.resolve("cache")).digests())
                .containsExactlyInAnyOrder(kept.manifestDigest(), kept.configDigest(), kept.layerDigest());
        assertThat(store.present(TestRegistry.HOST + "/" + repo + ":dropped")).isEmpty();
        assertThat(store.present(TestRegistry.HOST + "/" + repo + ":kept")).isPresent();
    }
}
