package io.hybridge.device.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Asks a Docker-compatible engine {@code GET /_ping} on its unix socket. Plain NIO rather than
 * docker-java: this bundle only needs a yes or no, within a deadline, at gateway start.
 * HTTP/1.0 so the engine closes the connection after the answer and end-of-stream ends the read.
 */
final class DockerPing {
    private static final byte[] REQUEST = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_RESPONSE = 8 * 1024;

    private DockerPing() {
    }

    /** Whether the engine answered 200 with body {@code OK} before the timeout; never throws. */
    static boolean ping(Path socket, Duration timeout) {
        if (!Files.exists(socket)) {
            return false;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            // connecting to a unix socket does not wait on a network: it succeeds or is refused at once
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            String response = exchange(channel, selector, deadline);
            return response != null && isOk(response);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String exchange(SocketChannel channel, Selector selector, long deadline) throws IOException {
        ByteBuffer request = ByteBuffer.wrap(REQUEST);
        SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
        while (request.hasRemaining()) {
            if (!await(selector, deadline)) {
                return null;
            }
            channel.write(request);
        }
        key.interestOps(SelectionKey.OP_READ);
        ByteBuffer response = ByteBuffer.allocate(MAX_RESPONSE);
        while (response.hasRemaining()) {
            if (!await(selector, deadline)) {
                return null;
            }
            if (channel.read(response) < 0) {
                break;
            }
        }
        return new String(response.array(), 0, response.position(), StandardCharsets.ISO_8859_1);
    }

    /** Waits until the channel is ready or the deadline passes; false on the deadline. */
    private static boolean await(Selector selector, long deadline) throws IOException {
        while (true) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0 || Thread.currentThread().isInterrupted()) {
                return false;
            }
            if (selector.select(remainingMillis) > 0) {
                selector.selectedKeys().clear();
                return true;
            }
        }
    }

    static boolean isOk(String response) {
        int headerEnd = response.indexOf("\r\n\r\n");
        if (headerEnd < 0 || !response.matches("(?s)HTTP/1\\.[01] 200 .*")) {
            return false;
        }
        return response.substring(headerEnd + 4).strip().equals("OK");
    }
}
