package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The guest's control line: QEMU connects the guest's second serial port ({@code ttyS1}) to a
 * unix socket; the guest's init reads lines from it and powers off on {@code stop}. Chosen over
 * ACPI's power button ({@code system_powerdown}), which reaches a guest only through a userspace
 * listener (acpid) that single-application images do not have. The socket is also how the
 * runtime sees the VMM end at once, for VMs it started and for VMs it adopted: QEMU closes it
 * when it exits.
 */
public final class ControlLine implements AutoCloseable {

    public static final String STOP = "stop";

    private final SocketChannel channel;

    private ControlLine(SocketChannel channel) {
        this.channel = channel;
    }

    public static ControlLine connect(Path socket) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        return new ControlLine(channel);
    }

    public synchronized void send(String line) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Blocks until the VMM closes the socket (it exited) or this side is closed. */
    public void awaitClose() {
        ByteBuffer sink = ByteBuffer.allocate(256);
        try {
            while (channel.read(sink) >= 0) {
                sink.clear(); // what the guest writes back (its tty echo) is not needed
            }
        } catch (IOException e) {
            // closed: either way the line is gone
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing to release beyond the descriptor
        }
    }
}
