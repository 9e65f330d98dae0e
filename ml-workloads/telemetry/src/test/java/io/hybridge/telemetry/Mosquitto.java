package io.hybridge.telemetry;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * A real Mosquitto (Debian package {@code mosquitto}) on a free loopback port with one
 * account, for the end-to-end tests of the workload. Missing Mosquitto skips the test, or
 * fails it with {@code CI=true}.
 */
final class Mosquitto implements AutoCloseable {

    static final String USER = "telemetry";
    static final String PASSWORD = "telemetry-pass";

    private static final Path BROKER = Path.of("/usr/sbin/mosquitto");
    private static final Path PASSWD = Path.of("/usr/bin/mosquitto_passwd");

    private final Process process;
    private final int port;

    private Mosquitto(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static Mosquitto start(Path dir) throws IOException, InterruptedException {
        if (!Files.isExecutable(BROKER) || !Files.isExecutable(PASSWD)) {
            String reason = BROKER + " is missing: run itests/provision/provision.sh (Debian package mosquitto)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason); // developer laptop without Mosquitto only: under CI=true the line above fails instead
        }
        Path passwords = dir.resolve("passwords");
        Files.createFile(passwords);
        Process passwd = new ProcessBuilder(PASSWD.toString(), "-b", passwords.toString(), USER, PASSWORD)
                .redirectErrorStream(true).start();
        if (!passwd.waitFor(10, TimeUnit.SECONDS) || passwd.exitValue() != 0) {
            throw new IOException("mosquitto_passwd failed: " + new String(passwd.getInputStream().readAllBytes()));
        }
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, String.join("\n",
                "per_listener_settings false",
                "listener " + port + " 127.0.0.1",
                "allow_anonymous false",
                "password_file " + passwords,
                "persistence false",
                // as root Mosquitto would switch to its own user, who cannot read this directory
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
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L); // poll the condition until the deadline
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

    int port() {
        return port;
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
