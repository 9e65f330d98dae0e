package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ping against a fake engine on a unix socket. */
class DockerPingTest {

    @TempDir
    Path dir;

    private ServerSocketChannel server;
    private Thread engine;
    private final CountDownLatch done = new CountDownLatch(1);

    @AfterEach
    void stopEngine() throws Exception {
        done.countDown();
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.join(5_000);
        }
    }

    /** An engine that reads the request and answers {@code response}, or never answers when it is null. */
    private Path engineAnswering(String response) throws IOException {
        Path socket = dir.resolve("docker.sock");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        engine = new Thread(() -> {
            try (SocketChannel client = server.accept()) {
                ByteBuffer request = ByteBuffer.allocate(1024);
                while (!new String(request.array(), 0, request.position(), StandardCharsets.US_ASCII).contains("\r\n\r\n")) {
                    if (client.read(request) < 0) {
                        return;
                    }
                }
                if (response == null) {
                    done.await(10, TimeUnit.SECONDS);
                } else {
                    client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
                }
            } catch (IOException | InterruptedException e) {
                // the test is over
            }
        }, "fake-docker-engine");
        engine.start();
        return socket;
    }

    @Test
    void anEngineThatAnswersOkIsReachable() throws Exception {
        Path socket = engineAnswering("HTTP/1.0 200 OK\r\nApi-Version: 1.47\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 2\r\n\r\nOK");

        assertThat(DockerPing.ping(socket, Duration.ofSeconds(1))).isTrue();
    }

    @Test
    void anEngineThatNeverAnswersIsUnreachableAfterTheTimeout() throws Exception {
        Path socket = engineAnswering(null);

        long started = System.nanoTime();
        assertThat(DockerPing.ping(socket, Duration.ofMillis(300))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
    }

    @Test
    void anotherAnswerIsNotDocker() throws Exception {
        Path socket = engineAnswering("HTTP/1.0 404 Not Found\r\nContent-Length: 2\r\n\r\nOK");

        assertThat(DockerPing.ping(socket, Duration.ofSeconds(1))).isFalse();
    }

    @Test
    void noSocketIsUnreachableAtOnce() {
        assertThat(DockerPing.ping(dir.resolve("missing.sock"), Duration.ofSeconds(1))).isFalse();
        assertThat(DockerPing.ping(dir, Duration.ofSeconds(1))).as("a directory, not a socket").isFalse();
    }

    @Test
    void okBodyParsing() {
        assertThat(DockerPing.isOk("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")).isTrue();
        assertThat(DockerPing.isOk("HTTP/1.1 200 OK\r\n\r\nNOPE")).isFalse();
        assertThat(DockerPing.isOk("HTTP/1.1 200 OK\r\nContent-Length: 2")).isFalse();
    }
}
