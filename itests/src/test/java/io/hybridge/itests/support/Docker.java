package io.hybridge.itests.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The real Docker engine through its CLI, as an operator would look at it: what the gateway
 * made must be visible (and countable) from outside. Started by itests/provision/provision.sh.
 */
public final class Docker {
    /** A tiny local image (busybox-static FROM scratch): {@code /bin/busybox sh -c ...} runs anything a test needs. */
    public static final String BUSYBOX = "hybridge-test/busybox:1";

    private Docker() {
    }

    /** Skips without an engine on a laptop; fails under CI=true. */
    public static void require() {
        Engines.requireExecutable("/usr/bin/docker", "docker.io");
        Result info = run("docker", "info", "--format", "{{.ServerVersion}}");
        if (!info.ok()) {
            String reason = "no Docker engine answers 'docker info' (" + info.output().trim()
                    + "): run itests/provision/provision.sh";
            if (Engines.ci()) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason); // developer machine without it only: under CI=true the line above fails instead
        }
    }

    /** Builds {@link #BUSYBOX} from the Debian busybox-static binary once (the engine caches it). */
    public static synchronized String busybox() throws IOException {
        require();
        if (run("docker", "image", "inspect", BUSYBOX).ok()) {
            return BUSYBOX;
        }
        Path busybox = Engines.requireExecutable("/bin/busybox", "busybox-static");
        Path context = Files.createTempDirectory("busybox-image");
        try {
            Files.copy(busybox, context.resolve("busybox"), StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(context.resolve("Dockerfile"), "FROM scratch\nCOPY busybox /bin/busybox\n"
                    + "ENTRYPOINT [\"/bin/busybox\"]\nCMD [\"sleep\", \"3600\"]\n");
            Result built = run("docker", "build", "-q", "-t", BUSYBOX, context.toString());
            if (!built.ok()) {
                throw new AssertionError("building " + BUSYBOX + " failed: " + built.output());
            }
        } finally {
            for (String name : List.of("busybox", "Dockerfile")) {
                Files.deleteIfExists(context.resolve(name));
            }
            Files.deleteIfExists(context);
        }
        return BUSYBOX;
    }

    /** Container ids (all states) carrying a label, e.g. {@code io.hybridge.gateway=abc}. */
    public static List<String> containers(String... labels) {
        List<String> command = new ArrayList<>(List.of("docker", "ps", "-aq", "--no-trunc"));
        for (String label : labels) {
            command.add("--filter");
            command.add("label=" + label);
        }
        Result result = run(command.toArray(String[]::new));
        if (!result.ok()) {
            throw new AssertionError("docker ps failed: " + result.output());
        }
        return result.output().lines().map(String::trim).filter(line -> !line.isEmpty()).toList();
    }

    /** Removes every container with the label (test cleanup). */
    public static void removeAll(String label) {
        List<String> ids = containers(label);
        if (!ids.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("docker", "rm", "-f"));
            command.addAll(ids);
            run(command.toArray(String[]::new));
        }
    }

    public static String inspect(String id, String format) {
        Result result = run("docker", "inspect", "--format", format, id);
        if (!result.ok()) {
            throw new AssertionError("docker inspect " + id + " failed: " + result.output());
        }
        return result.output().trim();
    }

    public static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, Arrays.toString(command) + " did not finish in 120 s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    public record Result(int exitCode, String output) {
        public boolean ok() {
            return exitCode == 0;
        }
    }
}
