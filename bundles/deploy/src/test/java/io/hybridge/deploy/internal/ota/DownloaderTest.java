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

    private final Downloader downloader = new Downloader(null, 100L * 1024 * 1024);

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
    void theOperatorsBlockDelayThrottlesWithoutCountingAsAStall() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            List<Long> blockTimes = new ArrayList<>();
            long started = System.nanoTime();
            // 1 MiB blocks of a 3 MiB + 17 bytes unit: at least two full 400 ms pauses between blocks,
            // with a stall timeout shorter than one pause
            Downloader.Result result = downloader.fetch(server.uri("unit.jar"), dir.resolve("d.part"), false, null,
                    1024 * 1024, 400, Duration.ofMillis(300), new AtomicBoolean(), (r, t, i) -> blockTimes.add(System.nanoTime()));
            assertThat(result.sha256()).isEqualTo(TrustedKeys.sha256(content));
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(800);
            assertThat(blockTimes).hasSizeGreaterThanOrEqualTo(4);
            assertThat((blockTimes.get(1) - blockTimes.get(0)) / 1_000_000).isGreaterThanOrEqualTo(390);
        }
    }

    /** A unit server with a private CA: trusted through downloadCaCertificates, refused without it. */
    @Test
    void httpsWithThePrivateCaOfDownloadCaCertificates() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Path pem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "unit-server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "unit-server", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        java.security.KeyStore keys = java.security.KeyStore.getInstance(keystore.toFile(), "changeit".toCharArray());
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance("PKIX");
        kmf.init(keys, "changeit".toCharArray());
        javax.net.ssl.SSLContext serverTls = javax.net.ssl.SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        try (RangeServer server = new RangeServer(content, serverTls)) {
            Downloader trusting = new Downloader(DownloadTls.trusting(pem.toString()), 100L * 1024 * 1024);
            Downloader.Result result = trusting.fetch(server.uri("unit.jar"), dir.resolve("tls.part"), false, null, 0, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (r, t, i) -> { });
            assertThat(result.sha256()).isEqualTo(TrustedKeys.sha256(content));

            assertThatThrownBy(() -> downloader.fetch(server.uri("unit.jar"), dir.resolve("untrusted.part"), false, null, 0, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (r, t, i) -> { }))
                    .isInstanceOf(DeployException.class).hasMessageContaining("PKIX path building failed");
        }
        Files.writeString(dir.resolve("not.pem"), "not a certificate");
        assertThatThrownBy(() -> DownloadTls.trusting(dir.resolve("not.pem").toString()))
                .hasMessageContaining("not.pem").hasMessageContaining("PEM file of CA certificates");
        assertThatThrownBy(() -> DownloadTls.trusting(dir.resolve("missing.pem").toString()))
                .hasMessageContaining("missing.pem does not exist");
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
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

    /** A read blocked on a stalled server ends at the read timeout, and reports the cancel, not a stall. */
    @Test
    void aCancelDuringAStallEndsAtTheReadTimeout() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            server.stallAfter = 1024;
            AtomicBoolean cancel = new AtomicBoolean();
            java.util.concurrent.CompletableFuture.delayedExecutor(300, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .execute(() -> cancel.set(true));
            long started = System.nanoTime();
            assertThatThrownBy(() -> downloader.fetch(server.uri("unit.jar"), dir.resolve("7.part"), false, null, 0, 0,
                    Duration.ofSeconds(2), cancel, (r, t, i) -> { })).hasMessage("cancelled by DEL/download");
            assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(10_000);
        }
    }

    @Test
    void aMissingFileAndATooLargeFileAreNamed() throws Exception {
        try (RangeServer server = new RangeServer(content)) {
            Downloader small = new Downloader(null, 1024);
            assertThatThrownBy(() -> small.fetch(server.uri("unit.jar"), dir.resolve("5.part"), false, null, 0, 0,
                    Duration.ofSeconds(10), new AtomicBoolean(), (r, t, i) -> { })).hasMessageContaining("at most 1024");
        }
        assertThat(Downloader.problemWith(java.net.URI.create("ftp://x/y"))).contains("dp.uri: 'ftp://x/y' is not an http or https URI");
    }
}
