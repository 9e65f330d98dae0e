package io.hybridge.runtime.container.internal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;

/**
 * The real engine and registry the engine tests drive (started by itests/provision/provision.sh),
 * and the test image: {@code FROM scratch} with Debian's static busybox, built here, tagged
 * locally and in the loopback registry (pushed with {@code docker login/push} under a private
 * DOCKER_CONFIG). Everything carries this run's id so that cleanup removes exactly what the run
 * made. Without an engine or registry the tests are skipped with the reason — under
 * {@code CI=true} they fail instead.
 */
final class TestEngine {

    static final String ENGINE_URI = "unix:///var/run/docker.sock";
    static final String REGISTRY = "127.0.0.1:" + System.getProperty("hybridge.test.registry.port", "15000");
    static final String REGISTRY_USER = "hybridge";
    static final String REGISTRY_PASSWORD = "hybridge-test-registry";
    private static final Path BUSYBOX = Path.of("/bin/busybox");

    final String run = "it" + UUID.randomUUID().toString().substring(0, 8);
    /** Local-only tag, never pulled (pull policy never). */
    final String localImage = "hybridge-test/busybox:" + run;
    /** The same image in the loopback registry. */
    final String registryImage = REGISTRY + "/hybridge-test/busybox:" + run;
    final Path work;
    final DockerClient docker;
    /** {@code sha256:...} of the pushed manifest. */
    String pushedDigest;
    private final List<String> images = new ArrayList<>();

    private TestEngine(Path work) {
        this.work = work;
        this.docker = DockerClients.create(ENGINE_URI, null);
    }

    static TestEngine start() throws Exception {
        require(Files.isExecutable(BUSYBOX), BUSYBOX + " is missing: run itests/provision/provision.sh (Debian package busybox-static)");
        require(Files.isExecutable(Path.of("/usr/bin/docker")) || Files.isExecutable(Path.of("/usr/local/bin/docker")),
                "the docker CLI is missing: run itests/provision/provision.sh (Debian package docker.io)");
        require(exec(Duration.ofSeconds(20), "docker", "info").exitCode == 0,
                "no Docker engine answers at " + ENGINE_URI + ": run itests/provision/provision.sh (starts dockerd)");
        require(registryAnswers(), "no test registry answers on " + REGISTRY + " with 401: run itests/provision/provision.sh");
        TestEngine engine = new TestEngine(Files.createTempDirectory("hybridge-engine-test"));
        engine.buildAndPush();
        return engine;
    }

    private static void require(boolean condition, String reason) {
        if (!condition) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new AssertionError(reason);
            }
            Assumptions.abort(reason); // developer machine only: under CI=true the line above fails instead
        }
    }

    private static boolean registryAnswers() {
        try {
            HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 401;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void buildAndPush() throws IOException {
        Path context = Files.createDirectories(work.resolve("image"));
        Files.copy(BUSYBOX, context.resolve("busybox"));
        Files.writeString(context.resolve("Dockerfile"), """
                FROM scratch
                COPY busybox /bin/busybox
                ENTRYPOINT ["/bin/busybox"]
                CMD ["sh", "-c", "echo hello from busybox"]
                LABEL io.hybridge.test-run=%s
                """.formatted(run));
        // the ENTRYPOINT is busybox itself: a command "sh -c ..." runs its shell
        docker("build", "-q", "-t", localImage, "-t", registryImage, context.toString());
        images.add(localImage);
        images.add(registryImage);
        Path config = Files.createDirectories(work.resolve("docker-config"));
        Result login = exec(Duration.ofSeconds(30), Map.of("DOCKER_CONFIG", config.toString()), REGISTRY_PASSWORD,
                "docker", "login", "-u", REGISTRY_USER, "--password-stdin", REGISTRY);
        if (login.exitCode != 0) {
            throw new IOException("docker login " + REGISTRY + " failed: " + login.output);
        }
        Result push = exec(Duration.ofSeconds(120), Map.of("DOCKER_CONFIG", config.toString()), null, "docker", "push", registryImage);
        if (push.exitCode != 0) {
            throw new IOException("docker push " + registryImage + " failed: " + push.output);
        }
        pushedDigest = docker("inspect", "--format", "{{index .RepoDigests 0}}", registryImage).strip().replaceFirst("^.*@", "");
    }

    /** Another local tag of the test image (removed at cleanup). */
    String tag(String name) throws IOException {
        String reference = "hybridge-test/" + name + ":" + run;
        docker("tag", localImage, reference);
        images.add(reference);
        return reference;
    }

    void removeImage(String reference) {
        try {
            exec(Duration.ofSeconds(30), "docker", "rmi", reference);
        } catch (IOException e) {
            // cleanup only
        }
    }

    /** Removes every container of the given test gateways and every image of this run; deletes the pushed manifest. */
    void cleanUp(String... gateways) {
        for (String gateway : gateways) {
            for (Container container : docker.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(InstanceLabels.GATEWAY, gateway)).exec()) {
                docker.removeContainerCmd(container.getId()).withForce(true).withRemoveVolumes(true).exec();
            }
        }
        for (String image : images) {
            removeImage(image);
        }
        removeImage(REGISTRY + "/hybridge-test/busybox@" + pushedDigest);
        if (pushedDigest != null) {
            try {
                String auth = Base64.getEncoder().encodeToString((REGISTRY_USER + ":" + REGISTRY_PASSWORD).getBytes(StandardCharsets.UTF_8));
                HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/hybridge-test/busybox/manifests/" + pushedDigest))
                        .header("Authorization", "Basic " + auth).DELETE().build(), HttpResponse.BodyHandlers.discarding());
            } catch (IOException | InterruptedException e) {
                // the registry keeps a 2 MB test image; harmless
            }
        }
        try {
            docker.close();
        } catch (IOException e) {
            // done
        }
        deleteTree(work);
    }

    static String docker(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "docker";
        System.arraycopy(args, 0, command, 1, args.length);
        Result result = exec(Duration.ofSeconds(120), command);
        if (result.exitCode != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + result.output);
        }
        return result.output;
    }

    record Result(int exitCode, String output) {
    }

    static Result exec(Duration timeout, String... command) throws IOException {
        return exec(timeout, Map.of(), null, command);
    }

    static Result exec(Duration timeout, Map<String, String> env, String stdin, String... command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not end within " + timeout);
            }
            return new Result(process.exitValue(), output);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted", e);
        }
    }

    private static void deleteTree(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // temp files only
        }
    }
}
