package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.hybridge.itests.support.Docker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Wait;

/**
 * Container workloads end to end: specs dropped into deploy/ run as real containers in the real
 * Docker engine, the gateway restarts what dies, stops a crash loop at its limit, reconciles after
 * a kill -9, and reports bad specs by name without disturbing the rest.
 */
class ContainerWorkloadsIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private GatewayProcess gateway;
    private String gatewayId;

    @BeforeEach
    void startGateway() throws Exception {
        Docker.busybox();
        gateway = GatewayProcess.install(dir, "gw").startAndAwaitReady();
        gatewayId = Wait.until("the gateway id", DEADLINE, () -> {
            Path file = gateway.home().resolve("var/workloads/gateway-id");
            try {
                return Files.isRegularFile(file) ? Files.readString(file).trim() : null;
            } catch (java.io.IOException e) {
                return null;
            }
        });
    }

    @AfterEach
    void cleanUp() {
        if (gateway != null) {
            gateway.close();
        }
        if (gatewayId != null) {
            Docker.removeAll("io.hybridge.gateway=" + gatewayId);
        }
    }

    private void deploy(String name, String json) throws Exception {
        Path temp = gateway.home().resolve("deploy/." + name + ".tmp");
        Files.writeString(temp, json);
        // FileInstall must see the whole file at once
        Files.move(temp, gateway.home().resolve("deploy/" + name + ".workload.json"),
                java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private JsonNode workload(String name) {
        return gateway.health().path("subsystems").path("workloads").path("details").path("workloads").path(name);
    }

    private JsonNode awaitState(String name, String state) {
        return Wait.until(name + " in state " + state, DEADLINE, () -> {
            JsonNode workload = workload(name);
            return state.equals(workload.path("state").asText()) ? workload : null;
        });
    }

    private List<String> containersOf(String workload) {
        return Docker.containers("io.hybridge.gateway=" + gatewayId, "io.hybridge.workload=" + workload);
    }

    private String runningContainer(String workload) {
        return Wait.until("one running container of " + workload, DEADLINE, () -> {
            List<String> ids = containersOf(workload);
            return ids.size() == 1 && "running".equals(Docker.inspect(ids.get(0), "{{.State.Status}}")) ? ids.get(0) : null;
        });
    }

    static String busyboxSpec(String name, String script, String restart) {
        return """
                {"name": "%s", "runtime": "container",
                 "image": {"reference": "%s", "pullPolicy": "never"},
                 "command": ["sh", "-c", "%s"],
                 "resources": {"cpus": 0.5, "memoryMiB": 32, "pids": 32},
                 "restartPolicy": %s}
                """.formatted(name, Docker.BUSYBOX, script, restart);
    }

    @Test
    void theVisionWorkloadsDetectionsArriveOnTheLocalBroker() throws Exception {
        Mosquitto.require();
        Files.writeString(gateway.home().resolve("deploy/io.hybridge.broker.account-watcher.config"), """
                username="watcher"
                password="watcher-pass"
                subscribe=["vision/#"]
                """);
        // the example next to the workload: it names the image the build loaded into this engine
        Path example = Path.of("../ml-workloads/vision/vision.workload.json");
        Wait.until("account watcher accepted by the broker", DEADLINE,
                // QoS 0: the CONNECT is what is tested; the publish itself is not allowed and dropped
                () -> Mosquitto.publish(gateway.mqttPort(), "watcher", "watcher-pass", "vision/x", "-", 0).ok());
        try (Mosquitto.Subscription detections = Mosquitto.subscribe(gateway.mqttPort(), "watcher", "watcher-pass", 150,
                "vision/detections", "vision/stats")) {
            deploy("vision", Files.readString(example));
            Wait.until("a detection from the vision container on the local broker", Duration.ofSeconds(90),
                    () -> detections.lines().stream().anyMatch(line -> line.startsWith("vision/detections {")
                            && line.contains("\"detections\"")));
            Wait.until("frame statistics (the health heartbeat)", Duration.ofSeconds(90),
                    () -> detections.lines().stream().anyMatch(line -> line.startsWith("vision/stats {") && line.contains("fps")));
        }
        JsonNode vision = awaitState("vision", "running");
        assertThat(vision.path("runtime").asText()).isEqualTo("container");
        String container = runningContainer("vision");
        assertThat(Docker.inspect(container, "{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.ReadonlyRootfs}}"))
                .isEqualTo((256L * 1024 * 1024) + " 64 true");
    }

    @Test
    void aKilledContainerIsRestartedAndACrashLoopStopsAtItsLimit() throws Exception {
        deploy("sleeper", busyboxSpec("sleeper", "sleep 3600",
                "{\"mode\": \"on-failure\", \"backoff\": {\"initialSeconds\": 0.5, \"maxSeconds\": 2}, \"crashLoopLimit\": 3}"));
        deploy("crasher", busyboxSpec("crasher", "echo crashing; exit 3",
                "{\"mode\": \"on-failure\", \"backoff\": {\"initialSeconds\": 0.2, \"maxSeconds\": 1}, \"crashLoopLimit\": 3}"));
        String first = runningContainer("sleeper");
        awaitState("sleeper", "running");

        assertThat(Docker.run("docker", "kill", first).ok()).isTrue();
        String second = Wait.until("sleeper restarted in a new container", Duration.ofSeconds(15), () -> {
            List<String> ids = containersOf("sleeper");
            return ids.size() == 1 && !ids.get(0).equals(first)
                    && "running".equals(Docker.inspect(ids.get(0), "{{.State.Status}}")) ? ids.get(0) : null;
        });
        assertThat(second).isNotEqualTo(first);
        Wait.until("sleeper running with one restart", DEADLINE,
                () -> "running".equals(workload("sleeper").path("state").asText()) && workload("sleeper").path("restarts").asInt() == 1);

        JsonNode crashLoop = awaitState("crasher", "crash-loop");
        assertThat(crashLoop.path("message").asText()).contains("failed 3 times in a row").contains("exit 3");
        assertThat(crashLoop.path("restarts").asInt()).isEqualTo(2);
        assertThat(gateway.health().path("subsystems").path("workloads").path("status").asText()).isEqualTo("DEGRADED");
        assertThat(containersOf("crasher")).hasSize(1);
    }

    @Test
    void afterAKillMinus9NothingIsDuplicatedTheDriftedOneIsRecreatedAndTheOrphanRemoved() throws Exception {
        deploy("steady", busyboxSpec("steady", "sleep 3600", "{\"mode\": \"always\"}"));
        deploy("drifting", busyboxSpec("drifting", "sleep 3600", "{\"mode\": \"always\"}"));
        String steady = runningContainer("steady");
        String drifting = runningContainer("drifting");
        awaitState("steady", "running");
        awaitState("drifting", "running");

        gateway.kill();
        // while it is down: one spec changes, one workload is deleted by hand as an operator would, and
        // an orphan of this gateway appears (as if its configuration had gone with a wiped installation)
        deploy("drifting", busyboxSpec("drifting", "sleep 3601", "{\"mode\": \"always\"}"));
        Docker.Result orphan = Docker.run("docker", "run", "-d", "--name", "hb-" + gatewayId + "-orphan-0",
                "--label", "io.hybridge.managed=true", "--label", "io.hybridge.gateway=" + gatewayId,
                "--label", "io.hybridge.workload=orphan", "--label", "io.hybridge.replica=0",
                "--label", "io.hybridge.spec-hash=0000", Docker.BUSYBOX, "sleep", "3600");
        assertThat(orphan.ok()).as(orphan.output()).isTrue();

        gateway.startAndAwaitReady();

        Wait.until("the orphan removed", DEADLINE, () -> containersOf("orphan").isEmpty());
        String recreated = Wait.until("drifting recreated from its new spec", DEADLINE, () -> {
            List<String> ids = containersOf("drifting");
            return ids.size() == 1 && !ids.get(0).equals(drifting)
                    && "running".equals(Docker.inspect(ids.get(0), "{{.State.Status}}")) ? ids.get(0) : null;
        });
        assertThat(Docker.inspect(recreated, "{{json .Config.Cmd}}")).contains("sleep 3601");
        awaitState("steady", "running");
        awaitState("drifting", "running");
        assertThat(containersOf("steady")).containsExactly(steady);
        assertThat(workload("steady").path("restarts").asInt()).isZero();
    }

    @Test
    void badSpecsAreReportedByNameAndDisturbNothingElse() throws Exception {
        deploy("bystander", busyboxSpec("bystander", "sleep 3600", "{\"mode\": \"always\"}"));
        String bystander = runningContainer("bystander");

        deploy("unknown-image", """
                {"name": "unknown-image", "image": {"reference": "127.0.0.1:15000/hybridge-test/none:1", "pullPolicy": "never"}}
                """);
        deploy("negative-memory", """
                {"name": "negative-memory", "image": "%s", "resources": {"memoryMiB": -5}}
                """.formatted(Docker.BUSYBOX));
        deploy("missing-device", busyboxSpec("missing-device", "sleep 3600", "{\"mode\": \"on-failure\"}")
                .replace("\"runtime\": \"container\",", "\"runtime\": \"container\", \"devices\": [\"/dev/hybridge-none0\"],"));
        try (ServerSocket taken = new ServerSocket(0)) {
            deploy("taken-port", busyboxSpec("taken-port", "sleep 3600", "{\"mode\": \"on-failure\"}")
                    .replace("\"runtime\": \"container\",", "\"runtime\": \"container\", \"ports\": [\"" + taken.getLocalPort() + ":80\"],"));

            assertThat(awaitState("unknown-image", "failed").path("message").asText())
                    .contains("image-not-found").contains("127.0.0.1:15000/hybridge-test/none:1");
            assertThat(awaitState("negative-memory", "failed").path("message").asText())
                    .contains("negative-memory.workload.json").contains("resources.memoryMiB").contains("-5");
            Wait.until("the missing device named", DEADLINE, () -> workload("missing-device").path("message").asText()
                    .contains("/dev/hybridge-none0"));
            Wait.until("the taken port named", DEADLINE, () -> workload("taken-port").path("message").asText()
                    .contains(Integer.toString(taken.getLocalPort())));
        }
        assertThat(containersOf("bystander")).containsExactly(bystander);
        assertThat(workload("bystander").path("state").asText()).isEqualTo("running");
        assertThat(workload("bystander").path("restarts").asInt()).isZero();
        assertThat(containersOf("negative-memory")).isEmpty();
    }
}
