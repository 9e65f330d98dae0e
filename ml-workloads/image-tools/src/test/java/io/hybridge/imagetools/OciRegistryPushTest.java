package io.hybridge.imagetools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The push against a real CNCF Distribution registry (Debian {@code docker-registry}) of the
 * test's own on a free loopback port, with and without HTTP basic authentication. Missing
 * registry skips, or fails with {@code CI=true}.
 */
class OciRegistryPushTest {

    private static final Path REGISTRY = Path.of("/usr/bin/docker-registry");
    private static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");

    /** A registry process on 127.0.0.1. */
    private record Registry(Process process, URI uri) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private static void require(Path tool, String pkg) {
        if (!Files.isExecutable(tool)) {
            String reason = tool + " is missing: run itests/provision/provision.sh (Debian package " + pkg + ")";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason); // developer machine without it only: under CI=true the line above fails instead
        }
    }

    private static Registry start(Path dir, String htpasswd) throws Exception {
        require(REGISTRY, "docker-registry");
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("config.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + dir.resolve("data"),
                "http:",
                "  addr: 127.0.0.1:" + port,
                htpasswd == null ? "" : "auth:\n  htpasswd:\n    realm: test\n    path: " + htpasswd,
                ""));
        Process process = new ProcessBuilder(REGISTRY.toString(), "serve", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("registry.log").toFile()).start();
        Registry registry = new Registry(process, URI.create("http://127.0.0.1:" + port));
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try {
                int status = http.send(HttpRequest.newBuilder(registry.uri().resolve("/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200 || status == 401) {
                    return registry;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                registry.close();
                throw new IOException("registry did not start: " + Files.readString(dir.resolve("registry.log")));
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // poll the condition until the deadline
        }
    }

    @Test
    void pushesTheLayoutSoThatItCanBePulledBackByTagAndDigest(@TempDir Path dir) throws Exception {
        OciImageLayout.Written image = OciImageLayoutTest.write(dir, "layout");
        try (Registry registry = start(dir, null)) {
            OciRegistryPush push = new OciRegistryPush(registry.uri());

            String digest = push.push(image.layout(), "hybridge/telemetry", "1.2.3");
            assertThat(digest).isEqualTo(image.manifestDigest());
            // again: blobs are there, only the manifest is put
            assertThat(push.push(image.layout(), "hybridge/telemetry", "1.2.3")).isEqualTo(digest);

            String manifest = push.manifest("hybridge/telemetry", "1.2.3");
            assertThat(manifest).isEqualTo(Files.readString(OciImageLayout.blob(image.layout(), digest)));
            assertThat(push.manifest("hybridge/telemetry", digest)).isEqualTo(manifest);
            JsonNode parsed = new ObjectMapper().readTree(manifest);
            String layer = parsed.get("layers").get(0).get("digest").asText();
            assertThat(push.blob("hybridge/telemetry", layer)).isEqualTo(Files.readAllBytes(OciImageLayout.blob(image.layout(), layer)));
            assertThat(parsed.get("annotations").get("com.urunc.unikernel.hypervisor").asText()).isEqualTo("qemu");
        }
    }

    @Test
    void basicAuthenticationAndARefusalThatSaysWhat(@TempDir Path dir) throws Exception {
        require(HTPASSWD, "apache2-utils");
        Path passwords = dir.resolve("htpasswd");
        Process htpasswd = new ProcessBuilder(HTPASSWD.toString(), "-Bbc", passwords.toString(), "pusher", "secret")
                .redirectErrorStream(true).start();
        assertThat(htpasswd.waitFor(30, TimeUnit.SECONDS) && htpasswd.exitValue() == 0).isTrue();
        OciImageLayout.Written image = OciImageLayoutTest.write(dir, "layout");
        try (Registry registry = start(dir, passwords.toString())) {
            assertThatThrownBy(() -> new OciRegistryPush(registry.uri()).push(image.layout(), "hybridge/telemetry", "1"))
                    .isInstanceOf(IOException.class).hasMessageContaining("registry " + registry.uri() + " refused")
                    .hasMessageContaining("HTTP 401");

            String digest = new OciRegistryPush(registry.uri(), "pusher", "secret").push(image.layout(), "hybridge/telemetry", "1");

            assertThat(digest).isEqualTo(image.manifestDigest());
        }
    }

}
