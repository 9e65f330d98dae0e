package io.hybridge.fleet.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Assumptions;

/**
 * A real Mosquitto (Debian package {@code mosquitto}) on a free loopback port, anonymous, with
 * no limit on queued messages (a wave's notifications to the manager arrive in bursts; the
 * default of 1,000 queued QoS 1 messages would drop some). Missing Mosquitto skips the test, or
 * fails it with {@code CI=true}.
 */
final class Mosquitto implements AutoCloseable {
    private static final Path BROKER = Path.of("/usr/sbin/mosquitto");

    private final Process process;
    private final int port;

    private Mosquitto(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Mosquitto start(Path dir) throws IOException {
        if (!Files.isExecutable(BROKER)) {
            String reason = BROKER + " is missing: run itests/provision/provision.sh (Debian package mosquitto)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason); // developer machine without it only: under CI=true the line above fails instead
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, String.join("\n",
                "per_listener_settings false",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous true",
                "persistence false",
                "max_queued_messages 0",
                "max_inflight_messages 0",
                "user " + System.getProperty("user.name"),
                "log_dest file " + dir.resolve("mosquitto.log"),
                ""));
        Process process = new ProcessBuilder(BROKER.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        Mosquitto broker = new Mosquitto(process, port);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (!broker.accepts()) {
            if (!process.isAlive() || Instant.now().isAfter(deadline)) {
                broker.close();
                throw new IOException("Mosquitto did not listen on " + port + ": " + Files.readString(dir.resolve("mosquitto.out")));
            }
            LockSupport.parkNanos(20_000_000L); // poll the condition until the deadline
        }
        return broker;
    }

    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
