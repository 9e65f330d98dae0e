package io.hybridge.itests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real Mosquitto command-line clients (Debian package mosquitto-clients). */
public final class Mosquitto {

    /** What a client run printed and how it ended. */
    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    private Mosquitto() {
    }

    public static void require() {
        Engines.requireExecutable("/usr/bin/mosquitto_pub", "mosquitto-clients");
        Engines.requireExecutable("/usr/bin/mosquitto_sub", "mosquitto-clients");
    }

    /** Publishes one message at QoS 1 and waits for the client to finish. */
    public static Result publish(int port, String user, String password, String topic, String message) {
        return publish(port, user, password, topic, message, 1);
    }

    /**
     * Publishes one message at the given QoS. A publish the broker refuses by ACL must use
     * QoS 0: Moquette never acknowledges a refused QoS 1 publish, so the client would wait.
     */
    public static Result publish(int port, String user, String password, String topic, String message, int qos) {
        return run(List.of("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-u", user, "-P", password, "-i", "itest-pub-" + System.nanoTime(), "-q", Integer.toString(qos),
                "-t", topic, "-m", message), 20);
    }

    /**
     * A subscriber running in the background on one or more topic filters, printing
     * "topic payload" lines, until {@code timeoutSeconds}.
     */
    public static Subscription subscribe(int port, String user, String password, int timeoutSeconds, String... topics) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-u", user, "-P", password, "-i", "itest-sub-" + System.nanoTime(), "-q", "1",
                "-W", Integer.toString(timeoutSeconds), "-v"));
        for (String topic : topics) {
            command.add("-t");
            command.add(topic);
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            return new Subscription(process);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }

    /** What a running mosquitto_sub has printed so far. */
    public static final class Subscription implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        Subscription(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // process ended
                }
            }, "mosquitto_sub-reader");
            reader.setDaemon(true);
            reader.start();
        }

        public List<String> lines() {
            return List.copyOf(lines);
        }

        public boolean received(String line) {
            return lines.contains(line);
        }

        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public void close() {
            process.destroy();
        }
    }

    private static Result run(List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }
}
