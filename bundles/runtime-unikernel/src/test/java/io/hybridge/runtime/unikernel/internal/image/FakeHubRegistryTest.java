package io.hybridge.runtime.unikernel.internal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;

/**
 * The store against a fake hub on loopback, for answers a real registry never gives (content
 * that does not match its digest, manifests that are not JSON) and for the Bearer token flow,
 * which the provisioned registry (basic authentication) does not use.
 */
class FakeHubRegistryTest {

    @TempDir
    Path dir;

    private FakeHub hub;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    private OciImageStore store(Function<String, Optional<RegistryAccount>> accounts) throws Exception {
        return new OciImageStore(dir.resolve("cache"), "", accounts, Duration.ofSeconds(5), Duration.ofSeconds(30));
    }

    private OciImageStore anonymous() throws Exception {
        return store(host -> Optional.empty());
    }

    private WorkloadSpec.Image spec(String repositoryAndTag) {
        return new WorkloadSpec.Image(hub.host() + "/" + repositoryAndTag, PullPolicy.ALWAYS, "");
    }

    private static void assertReason(Throwable e, Reason reason) {
        assertThat(e).isInstanceOf(WorkloadException.class);
        assertThat(((WorkloadException) e).reason()).isEqualTo(reason);
    }

    @Test
    void anonymousPullFromAHubThatAsksForNothing() throws Exception {
        TestImage source = new TestImage(200);
        hub.serve("a/b", "1", source.build());
        assertThat(anonymous().prepare(spec("a/b:1"), false).kernel()).hasBinaryContent(source.kernel);
        assertThat(hub.seen).allSatisfy(s -> assertThat(s.authorization()).isNull());
        assertThat(hub.seen.get(0).path()).isEqualTo("/v2/a/b/manifests/1");
    }

    @Test
    void pinnedDigestMismatchIsInvalid() throws Exception {
        TestImage.Built built = new TestImage(201).build();
        String pinned = "sha256:" + "1".repeat(64);
        hub.route("/v2/a/b/manifests/" + pinned, FakeHub.Response.ok(OciDocuments.OCI_MANIFEST, built.manifest()));
        assertThatThrownBy(() -> anonymous().prepare(spec("a/b@" + pinned), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID))
                .hasMessageContaining("served manifest " + built.manifestDigest()).hasMessageContaining("pins " + pinned);
    }

    @Test
    void manifestThatIsNotJsonIsInvalid() throws Exception {
        hub.route("/v2/a/b/manifests/1", FakeHub.Response.ok(OciDocuments.OCI_MANIFEST, "{\"schemaVersion\":2,".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> anonymous().prepare(spec("a/b:1"), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("manifest 1 of " + hub.host() + "/a/b is not valid JSON");
    }

    @Test
    void blobWhoseContentDoesNotMatchItsDigestIsInvalidAndNeverCached() throws Exception {
        TestImage.Built built = new TestImage(202).build();
        hub.serve("a/b", "1", built);
        byte[] forged = built.layer().clone();
        forged[700] ^= 1;
        hub.route("/v2/a/b/blobs/" + built.layerDigest(), FakeHub.Response.ok("application/octet-stream", forged));
        assertThatThrownBy(() -> anonymous().prepare(spec("a/b:1"), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID))
                .hasMessageContaining("layer of " + hub.host() + "/a/b:1")
                .hasMessageContaining("expected " + built.layerDigest()).hasMessageContaining("got " + Digest.of(forged));
        assertThat(new BlobCache(dir.resolve("cache")).has(built.layerDigest())).isFalse();
        assertThat(dir.resolve("cache/tmp")).isEmptyDirectory();
        try (Stream<Path> images = Files.list(dir.resolve("cache/images"))) {
            assertThat(images).isEmpty();
        }
    }

    @Test
    void blobLongerThanItsDescriptorIsCutOff() throws Exception {
        TestImage.Built built = new TestImage(203).build();
        hub.serve("a/b", "1", built);
        byte[] longer = java.util.Arrays.copyOf(built.layer(), built.layer().length + 1024);
        hub.route("/v2/a/b/blobs/" + built.layerDigest(), FakeHub.Response.ok("application/octet-stream", longer));
        assertThatThrownBy(() -> anonymous().prepare(spec("a/b:1"), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("is larger than " + built.layer().length);
    }

    @Test
    void bearerTokenFlowWithTheConfiguredAccount() throws Exception {
        TestImage source = new TestImage(204);
        hub.serve("team/kernel", "1", source.build());
        hub.bearerUser = "robot";
        hub.bearerPassword = "s3cret";
        var good = RegistryAccount.lookup(List.of(new RegistryAccount(hub.host(), "robot", "s3cret", false)));
        assertThat(store(good).prepare(spec("team/kernel:1"), false).kernel()).hasBinaryContent(source.kernel);
        FakeHub.Seen token = hub.seen.stream().filter(s -> s.path().equals("/token")).findFirst().orElseThrow();
        assertThat(token.query()).contains("service=fake-hub").contains("scope=repository%3Ax%3Apull");
        // the token is reused for the blobs instead of asking again each time
        assertThat(hub.seen.stream().filter(s -> s.path().equals("/token"))).hasSize(1);

        var bad = RegistryAccount.lookup(List.of(new RegistryAccount(hub.host(), "robot", "wrong", false)));
        assertThatThrownBy(() -> store(bad).prepare(spec("team/kernel:1"), false))
                .satisfies(e -> assertReason(e, Reason.REGISTRY_AUTH)).hasMessageContaining("registry " + hub.host())
                .hasMessageContaining("user robot");
    }

    @Test
    void credentialsNeverFollowARedirectToAnotherHost() throws Exception {
        TestImage source = new TestImage(205);
        TestImage.Built built = source.build();
        try (FakeHub storage = new FakeHub()) {
            hub.serve("a/b", "1", built);
            storage.route("/layer", FakeHub.Response.ok("application/octet-stream", built.layer()));
            hub.route("/v2/a/b/blobs/" + built.layerDigest(), new FakeHub.Response(307, "text/plain", new byte[0],
                    Map.of("Location", "http://" + storage.host() + "/layer")));
            hub.bearerUser = "robot";
            hub.bearerPassword = "pw";
            var account = RegistryAccount.lookup(List.of(new RegistryAccount(hub.host(), "robot", "pw", false)));
            assertThat(store(account).prepare(spec("a/b:1"), false).kernel()).hasBinaryContent(source.kernel);
            assertThat(storage.seen).singleElement().satisfies(s -> assertThat(s.authorization()).isNull());
        }
    }

    @Test
    void serverErrorsAreTransient() throws Exception {
        hub.route("/v2/a/b/manifests/1", new FakeHub.Response(503, "text/plain", "busy".getBytes(StandardCharsets.UTF_8), Map.of()));
        assertThatThrownBy(() -> anonymous().prepare(spec("a/b:1"), false))
                .satisfies(e -> assertReason(e, Reason.REGISTRY_UNAVAILABLE)).hasMessageContaining("answered 503");
        assertThat(Reason.REGISTRY_UNAVAILABLE.isTransient()).isTrue();
    }

    @Test
    void unsupportedLayerTypesAreInvalid() throws Exception {
        TestImage.Built built = new TestImage(206).build();
        String manifest = new String(built.manifest(), StandardCharsets.UTF_8).replace(TestImage.LAYER_TAR, "application/vnd.oci.image.layer.v1.tar+zstd");
        hub.serve("a/b", "x", built);
        hub.route("/v2/a/b/manifests/1", FakeHub.Response.ok(OciDocuments.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> anonymous().prepare(spec("a/b:1"), false))
                .satisfies(e -> assertReason(e, Reason.IMAGE_INVALID)).hasMessageContaining("tar+zstd").hasMessageContaining("zstd layers are not");
    }

    @Test
    void aRegistryThatNeverAnswersTimesOut() throws Exception {
        // the kernel accepts connections into the backlog; nothing ever reads or answers
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            String host = "127.0.0.1:" + silent.getLocalPort();
            OciImageStore store = new OciImageStore(dir.resolve("cache"), "", h -> Optional.empty(), Duration.ofSeconds(2), Duration.ofSeconds(1));
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.prepare(new WorkloadSpec.Image(host + "/a/b:1", PullPolicy.ALWAYS, ""), false))
                    .satisfies(e -> assertReason(e, Reason.REGISTRY_UNAVAILABLE)).hasMessageContaining(host).hasMessageContaining("timed out");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }
}
