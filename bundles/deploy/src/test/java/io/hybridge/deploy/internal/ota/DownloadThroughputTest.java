package io.hybridge.deploy.internal.ota;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check (run with {@code -Dota.throughput=true -Dtest=DownloadThroughputTest}):
 * the OTA download (streamed SHA-256, 1 MiB writes, progress per block, one fsync) against a
 * plain {@code HttpClient} fetch of the same file to disk from the same loopback server. The
 * target is a ratio of at least 0.9.
 */
@EnabledIfSystemProperty(named = "ota.throughput", matches = "true")
class DownloadThroughputTest {

    @TempDir
    Path dir;

    @Test
    void otaDownloadAgainstAPlainFetch() throws Exception {
        int mib = Integer.getInteger("ota.throughput.mib", 256);
        byte[] content = new byte[mib * 1024 * 1024];
        new Random(1).nextBytes(content);
        try (RangeServer server = new RangeServer(content)) {
            Downloader downloader = new Downloader(Downloader.newClient(), Long.MAX_VALUE);
            var plainClient = Downloader.newClient();
            double bestOta = Double.MAX_VALUE;
            double bestPlain = Double.MAX_VALUE;
            for (int round = 0; round < 5; round++) {
                Path plain = dir.resolve("plain-" + round);
                long start = System.nanoTime();
                plainClient.send(HttpRequest.newBuilder(server.uri("unit")).build(), HttpResponse.BodyHandlers.ofFile(plain));
                bestPlain = Math.min(bestPlain, (System.nanoTime() - start) / 1e9);
                Files.delete(plain);

                Path part = dir.resolve("ota-" + round);
                start = System.nanoTime();
                downloader.fetch(server.uri("unit"), part, false, null, 0, 0, Duration.ofSeconds(60),
                        new AtomicBoolean(), (received, total, index) -> { });
                bestOta = Math.min(bestOta, (System.nanoTime() - start) / 1e9);
                Files.delete(part);
            }
            System.out.printf("download of %d MiB: plain %.0f MiB/s, OTA (SHA-256, fsync) %.0f MiB/s, ratio %.2f%n", mib,
                    mib / bestPlain, mib / bestOta, bestPlain / bestOta);
        }
    }
}
