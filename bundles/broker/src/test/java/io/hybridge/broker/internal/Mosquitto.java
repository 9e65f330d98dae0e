package io.hybridge.broker.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Runs the real Mosquitto command-line clients against a broker on the loopback interface. */
final class Mosquitto {

    static final Path PUB = Path.of("/usr/bin/mosquitto_pub");
    static final Path SUB = Path.of("/usr/bin/mosquitto_sub");
    /** mosquitto_sub buffers its debug lines on a pipe; line buffering lets a test see its SUBACK. */
    static final Path STDBUF = Path.of("/usr/bin/stdbuf");
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(20);

    private final int port;

    Mosquitto(int port) {
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(PUB) && Files.isExecutable(SUB) && Files.isExecutable(STDBUF);
    }

    /**
     * Publishes one message and waits for mosquitto_pub to exit. Use QoS 0 for a publish the
     * broker refuses: Moquette 0.17 never acknowledges a refused QoS 1 publish.
     */
    Result publish(String username, String password, int qos, String topic, String message) throws Exception {
        List<String> command = command(PUB.toString(), username, password);
        command.addAll(List.of("-q", Integer.toString(qos), "-t", topic, "-m", message));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(EXIT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("mosquitto_pub did not exit within " + EXIT_TIMEOUT + ": " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.exitValue(), output);
    }

    /**
     * Starts mosquitto_sub in debug mode so that its SUBACK can be waited for; it exits after
     * one message or after {@code quietSeconds} without one.
     */
    Subscriber subscribe(String username, String password, int quietSeconds, String... filters) throws IOException {
        List<String> command = new ArrayList<>(List.of(STDBUF.toString(), "-oL"));
        command.addAll(command(SUB.toString(), username, password));
        command.addAll(List.of("-d", "-v", "-q", "1", "-C", "1", "-W", Integer.toString(quietSeconds)));
        for (String filter : filters) {
            command.addAll(List.of("-t", filter));
        }
        return new Subscriber(new ProcessBuilder(command).redirectErrorStream(true).start());
    }

    private List<String> command(String program, String username, String password) {
        List<String> command = new ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-V", "mqttv311", "-i", "it-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
        if (username != null) {
            command.addAll(List.of("-u", username, "-P", password));
        }
        return command;
    }

    record Result(int exitCode, String output) {
    }

    /** A running mosquitto_sub whose output lines are collected as they come. */
    static final class Subscriber implements AutoCloseable {
        private final Process process;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private final List<String> seen = new ArrayList<>();
        private final Thread reader;

        Subscriber(Process process) {
            this.process = process;
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the process went away; what was read is in the queue
                }
            }, "mosquitto_sub-output");
            reader.setDaemon(true);
            reader.start();
        }

        /**
         * Waits for the broker's answer to the SUBSCRIBE.
         *
         * @return the granted QoS per filter, 128 where refused
         */
        List<Integer> awaitSuback(Duration timeout) throws InterruptedException {
            String line = awaitLine(l -> l.startsWith("Subscribed (mid: "), timeout);
            List<Integer> granted = new ArrayList<>();
            for (String qos : line.substring(line.indexOf("): ") + 3).split(",")) {
                granted.add(Integer.parseInt(qos.trim()));
            }
            return granted;
        }

        /** Waits for mosquitto_sub to exit and returns the messages it printed ("topic payload"). */
        List<String> awaitMessages(Duration timeout) throws InterruptedException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("mosquitto_sub did not exit within " + timeout + "; output so far: " + seen);
            }
            reader.join(timeout.toMillis()); // it ends at the end of the output
            lines.drainTo(seen);
            List<String> messages = new ArrayList<>();
            for (String line : seen) {
                if (!line.startsWith("Client ") && !line.startsWith("Subscribed (mid:")
                        && !line.startsWith("All subscription requests were denied")) {
                    messages.add(line);
                }
            }
            return messages;
        }

        private String awaitLine(java.util.function.Predicate<String> wanted, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
                if (line == null) {
                    throw new AssertionError("mosquitto_sub printed no matching line within " + timeout + "; output: " + seen);
                }
                seen.add(line);
                if (wanted.test(line)) {
                    return line;
                }
            }
        }

        String output() {
            return String.join("\n", seen);
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }
}
