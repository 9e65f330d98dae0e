package io.hybridge.runtime.container.internal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A unix-socket forwarder in front of the engine's socket that the test can switch off and on:
 * off, the socket is gone and every open connection is cut, as when dockerd stops.
 */
final class SocketProxy implements AutoCloseable {

    private final Path socket;
    private final Path target;
    private final List<java.nio.channels.Channel> open = new CopyOnWriteArrayList<>();
    private volatile ServerSocketChannel server;

    SocketProxy(Path socket, Path target) {
        this.socket = socket;
        this.target = target;
    }

    synchronized void open() throws IOException {
        Files.deleteIfExists(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        channel.bind(UnixDomainSocketAddress.of(socket));
        server = channel;
        Thread acceptor = new Thread(() -> accept(channel), "socket-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void accept(ServerSocketChannel channel) {
        while (channel.isOpen()) {
            try {
                SocketChannel client = channel.accept();
                SocketChannel engine = SocketChannel.open(UnixDomainSocketAddress.of(target));
                open.add(client);
                open.add(engine);
                pump(client, engine);
                pump(engine, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(SocketChannel from, SocketChannel to) {
        Thread thread = new Thread(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(16384);
            try {
                while (from.read(buffer) >= 0) {
                    buffer.flip();
                    while (buffer.hasRemaining()) {
                        to.write(buffer);
                    }
                    buffer.clear();
                }
            } catch (IOException e) {
                // cut
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "socket-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public synchronized void close() throws IOException {
        ServerSocketChannel channel = server;
        server = null;
        if (channel != null) {
            channel.close();
        }
        for (java.nio.channels.Channel connection : open) {
            closeQuietly(connection);
        }
        open.clear();
        Files.deleteIfExists(socket);
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
