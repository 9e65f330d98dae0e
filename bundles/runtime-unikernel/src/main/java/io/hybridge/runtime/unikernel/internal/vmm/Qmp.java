package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The smallest QMP client that works: connect, leave capabilities negotiation, run one command
 * without arguments and return QEMU's answer line. Enough for {@code system_powerdown} (ACPI
 * power button, for guests that listen to it) and {@code query-status}.
 */
final class Qmp {

    private Qmp() {
    }

    static String execute(Path socket, String command) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(channel);
            in.readLine(); // greeting
            out.write("{\"execute\":\"qmp_capabilities\"}\n".getBytes(StandardCharsets.UTF_8));
            answer(in);
            out.write(("{\"execute\":\"" + command + "\"}\n").getBytes(StandardCharsets.UTF_8));
            return answer(in);
        }
    }

    /** The next line that is an answer, skipping asynchronous events. */
    private static String answer(BufferedReader in) throws IOException {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.contains("\"return\"") || line.contains("\"error\"")) {
                return line;
            }
        }
        throw new IOException("QMP closed before answering");
    }
}
