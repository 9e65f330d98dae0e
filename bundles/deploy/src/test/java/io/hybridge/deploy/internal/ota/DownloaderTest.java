package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloaderTest {

    @TempDir
    Path dir;

    private final byte[] content = new byte[3 * 1024 * 1024 + 17];
    {
        new Random(42).nextBytes(content);
    }

    private final Downloader downloader = new Downloader(Downloader.newClient(), 100L * 1024 * 1024);

    @Test
    void streamsTheFileHashingAsItGoesAndReportsBlocks() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            List<Integer> blocks = new ArrayList<>();
            Path part = dir.resolve("1.part");
            Downloader.Result result = downloader.fetch(server.uri("unit.jar"), part, false, null, 1024 * 1024, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (received, total, index) -> blocks.add(index));
            assertThat(result.size()).isEqualTo(content.length);
            assertThat(result.sha256()).isEqualTo(TrustedKeys.sha256(content));
            assertThat(Files.readAllBytes(part)).isEqualTo(content);
            assertThat(blocks).startsWith(1, 2, 3).hasSizeGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aDroppedTransferIsResumedWithARangeRequestAndTheDigestCoversTheWholeFile() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            server.dropAfter = 1024 * 1024;
            Path part = dir.resolve("2.part");
            assertThatThrownBy(() -> downloader.fetch(server.uri("unit.jar"), part, false, null, 0, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (r, t, i) -> { }))
                    .isInstanceOf(DeployException.class);
            long kept = Files.size(part);
            assertThat(kept).isGreaterThan(0).isLessThan(content.length);

            UnitHash md5 = UnitHash.parse("MD5:" + HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(content)));
            Downloader.Result result = downloader.fetch(server.uri("unit.jar"), part, true, md5, 0, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (r, t, i) -> { });
            assertThat(server.rangeRequests.get()).isEqualTo(1);
            assertThat(result.sha256()).isEqualTo(TrustedKeys.sha256(content));
            md5.check(result.expected());
            assertThat(Files.readAllBytes(part)).isEqualTo(content);
        }
    }

    @Test
    void anAlreadyCompletePartialFileIsVerifiedWithoutRefetching() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            Path part = dir.resolve("3.part");
            Files.write(part, content);
            Downloader.Result result = downloader.fetch(server.uri("unit.jar"), part, true, null, 0, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (r, t, i) -> { });
            assertThat(result.sha256()).isEqualTo(TrustedKeys.sha256(content));
        }
    }

    @Test
    void cancelStopsTheTransfer() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            AtomicBoolean cancel = new AtomicBoolean(true);
            assertThatThrownBy(() -> downloader.fetch(server.uri("unit.jar"), dir.resolve("4.part"), false, null, 0, 0,
                    Duration.ofSeconds(10), cancel, (r, t, i) -> { })).hasMessage("cancelled by DEL/download");
        }
    }

    @Test
    void aStalledTransferEndsAfterTheTimeoutAndKeepsItsPartialFile() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            server.stallAfter = 1024 * 1024;
            Path part = dir.resolve("6.part");
            long started = System.nanoTime();
            assertThatThrownBy(() -> downloader.fetch(server.uri("unit.jar"), part, false, null, 0, 0,
                    Duration.ofSeconds(1), new AtomicBoolean(), (r, t, i) -> { }))
                    .hasMessageContaining("stalled: no data for 1000 ms (dp.download.timeout) after 1048576 bytes");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);
            assertThat(Files.size(part)).isEqualTo(1024 * 1024);
        }
    }

    @Test
    void cancelEndsEvenAReadThatBlocks() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            server.stallAfter = 1024;
            AtomicBoolean cancel = new AtomicBoolean();
            java.util.concurrent.CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> cancel.set(true));
            assertThatThrownBy(() -> downloader.fetch(server.uri("unit.jar"), dir.resolve("7.part"), false, null, 0, 0,
                    Duration.ofSeconds(60), cancel, (r, t, i) -> { })).hasMessage("cancelled by DEL/download");
        }
    }

    @Test
    void aMissingFileAndATooLargeFileAreNamed() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            Downloader small = new Downloader(Downloader.newClient(), 1024);
            assertThatThrownBy(() -> small.fetch(server.uri("unit.jar"), dir.resolve("5.part"), false, null, 0, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (r, t, i) -> { })).hasMessageContaining("at most 1024");
        }
        assertThat(Downloader.problemWith(java.net.URI.create("ftp://x/y"))).contains("dp.uri: 'ftp://x/y' is not an http or https URI");
    }
}
