package io.hybridge.itests.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One real gateway: a copy of the built distribution ({@code distribution/target/hybridge})
 * in a test directory, started with {@code bin/hybridge run} on free loopback ports. The copy
 * is what an operator gets by unpacking the tarball, so it also proves the installation is
 * relocatable.
 */
public final class GatewayProcess implements AutoCloseable {

    public static final Duration START_DEADLINE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final int httpPort;
    private final int mqttPort;
    private final Map<String, String> env = new HashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private GatewayProcess(Path home) {
        this.home = home;
        this.httpPort = Ports.free();
        this.mqttPort = Ports.free();
    }

    /** Copies the distribution to {@code dir/name}; nothing runs yet. */
    public static GatewayProcess install(Path dir, String name) throws IOException {
        Path dist = distribution();
        Path home = dir.resolve(name);
        try (Stream<Path> files = Files.walk(dist)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path relative = dist.relativize(source);
                if ((relative.startsWith("var") || relative.startsWith("deploy")) && relative.getNameCount() > 1) {
                    continue; // a fresh installation has no state, whatever was tried in the build's copy
                }
                Path target = home.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return new GatewayProcess(home);
    }

    public static Path distribution() {
        Path dist = Path.of(System.getProperty("hybridge.dist", "../distribution/target/hybridge"));
        if (!Files.isExecutable(dist.resolve("bin/hybridge"))) {
            throw new AssertionError("no built distribution at " + dist.toAbsolutePath()
                    + ": build it first (mvn -B verify at the top level builds it before the tests)");
        }
        return dist;
    }

    public GatewayProcess env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public GatewayProcess start() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        Files.createDirectories(home.resolve("var/log"));
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/hybridge").toString(), "run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("var/log/test-console.log").toFile()));
        // a developer's own HYBRIDGE_* settings (admin password, cloud account…) must not leak into tests
        builder.environment().keySet().removeIf(name -> name.startsWith("HYBRIDGE_"));
        builder.environment().put("HYBRIDGE_HTTP_PORT", Integer.toString(httpPort));
        builder.environment().put("HYBRIDGE_MQTT_PORT", Integer.toString(mqttPort));
        builder.environment().putAll(env);
        process = builder.start();
        return this;
    }

    /** Starts and waits until {@code /health} answers 200. */
    public GatewayProcess startAndAwaitReady() throws IOException {
        start();
        awaitReady();
        return this;
    }

    public void awaitReady() {
        Wait.until("gateway " + home.getFileName() + " ready (/health 200)", START_DEADLINE, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("gateway exited with " + process.exitValue() + ":\n" + consoleLog());
            }
            return healthStatusCode() == 200;
        }, () -> "log:\n" + logTail());
    }

    public int healthStatusCode() {
        try {
            return http.send(HttpRequest.newBuilder(url("/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public JsonNode health() {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url("/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** SIGTERM, then waits for the clean shutdown; returns the exit code. */
    public int stop() {
        if (process == null) {
            return 0;
        }
        process.destroy();
        try {
            if (!process.waitFor(45, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("gateway did not stop within 45 s of SIGTERM:\n" + logTail());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.exitValue();
    }

    /**
     * SIGKILL to bin/hybridge and its JVM at once: what a power cut looks like to the
     * installation (the supervising script first, so that it cannot start another slot).
     */
    public void kill() throws InterruptedException {
        java.util.List<ProcessHandle> jvms = process.children().toList();
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle jvm : jvms) {
            jvm.destroyForcibly();
            try {
                jvm.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new AssertionError("gateway JVM " + jvm.pid() + " did not die of SIGKILL", e);
            }
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /**
     * The gateway JVM's pid (for RSS, jcmd): {@code bin/hybridge run} supervises it as its one
     * child; while it switches slots there may be none for a moment, then the script's pid.
     */
    public long pid() {
        return process.children().findFirst().map(ProcessHandle::pid).orElse(process.pid());
    }

    /** The pid of {@code bin/hybridge run}, which takes the signals: TERM stops, HUP restarts. */
    public long supervisorPid() {
        return process.pid();
    }

    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + httpPort + path);
    }

    /** A console client logging in as admin; a null password sends no credentials at all. */
    public ConsoleClient console(String password) {
        return new ConsoleClient(this, "admin", password);
    }

    public Path home() {
        return home;
    }

    public int httpPort() {
        return httpPort;
    }

    /** The local broker's URI for MQTT clients. */
    public String mqttUri() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    public int mqttPort() {
        return mqttPort;
    }

    /** The gateway's log file (Logback, var/log/hybridge.log). */
    public String log() {
        return read(home.resolve("var/log/hybridge.log"));
    }

    public String consoleLog() {
        return read(home.resolve("var/log/test-console.log"));
    }

    /** The end of what the gateway printed: enough to say why it did not come up or go down. */
    public String logTail() {
        String log = consoleLog();
        return log.length() > 4000 ? log.substring(log.length() - 4000) : log;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (alive()) {
            stop();
        }
    }
}
