package io.hybridge.workloads.internal.spec;

import static io.hybridge.workloads.internal.spec.SpecBuilder.full;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.HealthCheckType;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;
import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

class SpecHashTest {

    private static Arguments change(String what, Consumer<SpecBuilder> change) {
        return Arguments.of(what, change);
    }

    static Stream<Arguments> shapingARunningInstance() {
        return Stream.of(
                change("runtime", s -> s.runtime = RuntimeType.CONTAINER),
                change("image reference", s -> s.reference = "registry.local:5000/hybridge/vision:1.1"),
                change("image archive", s -> s.archive = "/var/lib/hybridge/images/other.tar"),
                change("command", s -> s.command.add("--more")),
                change("command order", s -> s.command = List.of("a b", "--verbose")),
                change("cpus", s -> s.cpus = 2),
                change("memory", s -> s.memoryMiB = 512),
                change("pids", s -> s.pids = 65),
                change("env value", s -> s.env.put("LEVEL", "info")),
                change("env variable", s -> s.env.put("NEW", "")),
                change("ports", s -> s.ports.set(0, new Port("", 8081, 80, "tcp"))),
                change("port protocol", s -> s.ports.set(0, new Port("", 8080, 80, "udp"))),
                change("volumes", s -> s.volumes.remove(2)),
                change("volume read-only", s -> s.volumes.set(1, new Volume(VolumeType.BIND, "/data", "/data", false, 0))),
                change("tmpfs size", s -> s.volumes.set(0, new Volume(VolumeType.TMPFS, "", "/tmp", false, 32))),
                change("devices", s -> s.devices.add(new Device("/dev/video1", "", ""))),
                change("device permissions", s -> s.devices.set(1, new Device("/dev/ttyUSB0", "/dev/ttyS0", "r"))),
                change("network", s -> s.network = "host"),
                change("read-only root", s -> s.readOnlyRootFilesystem = false),
                change("bus publish", s -> s.publish.add("other/#")),
                change("bus subscribe", s -> s.subscribe.clear()),
                change("bus filter moved from subscribe to publish", s -> {
                    s.publish.addAll(s.subscribe);
                    s.subscribe.clear();
                }),
                change("options", s -> s.options.put("shm-size", "128")));
    }

    static Stream<Arguments> supervisionOnly() {
        return Stream.of(
                change("description", s -> s.description = "something else"),
                change("pull policy", s -> s.pullPolicy = PullPolicy.NEVER),
                change("replicas", s -> {
                    s.replicas = 0;
                }),
                change("restart mode", s -> s.restartMode = RestartMode.NEVER),
                change("backoff", s -> {
                    s.initialBackoff = Duration.ofSeconds(2);
                    s.maxBackoff = Duration.ofMinutes(5);
                    s.multiplier = 3;
                }),
                change("crash loop limit", s -> s.crashLoopLimit = 50),
                change("stable after", s -> s.stableAfter = Duration.ofMinutes(10)),
                change("health check", s -> {
                    s.healthType = HealthCheckType.TCP;
                    s.healthPort = 8080;
                    s.healthTopic = "";
                    s.interval = Duration.ofSeconds(1);
                    s.timeout = Duration.ofSeconds(2);
                    s.startPeriod = Duration.ofSeconds(30);
                    s.failureThreshold = 9;
                }),
                change("log lines", s -> s.maxLines = 10),
                change("log forwarding", s -> s.forwardTopic = ""),
                change("env order", s -> s.env = reversed(s.env)),
                change("options order", s -> s.options = reversed(s.options)));
    }

    private static LinkedHashMap<String, String> reversed(java.util.Map<String, String> map) {
        List<String> keys = new java.util.ArrayList<>(map.keySet());
        java.util.Collections.reverse(keys);
        LinkedHashMap<String, String> reversed = new LinkedHashMap<>();
        keys.forEach(key -> reversed.put(key, map.get(key)));
        return reversed;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapingARunningInstance")
    void changesWithWhatShapesAnInstance(String what, Consumer<SpecBuilder> change) {
        SpecBuilder changed = full();
        change.accept(changed);

        assertThat(SpecHash.of(changed.build())).as(what).isNotEqualTo(SpecHash.of(full().build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supervisionOnly")
    void staysWithWhatOnlyTheSupervisorUses(String what, Consumer<SpecBuilder> change) {
        SpecBuilder changed = full();
        change.accept(changed);

        assertThat(SpecHash.of(changed.build())).as(what).isEqualTo(SpecHash.of(full().build()));
    }

    @Test
    void isSixteenHexDigitsAndStable() {
        String hash = SpecHash.of(full().build());

        assertThat(hash).matches("[0-9a-f]{16}");
        assertThat(SpecHash.of(full().build())).isEqualTo(hash);
        assertThat(SpecHash.of(SpecBuilder.spec().build())).isNotEqualTo(hash);
    }

    @Test
    void doesNotDependOnTheName() {
        SpecBuilder renamed = full();
        renamed.name = "camera";

        assertThat(SpecHash.of(renamed.build())).isEqualTo(SpecHash.of(full().build()));
    }

    @Test
    void survivesTheOutsideForms() throws Exception {
        String hash = SpecHash.of(full().build());

        assertThat(SpecHash.of(WorkloadJson.parse(WorkloadJson.toJson(full().build())))).isEqualTo(hash);
        assertThat(SpecHash.of(WorkloadProperties.toSpec(WorkloadProperties.toProperties(full().build(), "config"))))
                .isEqualTo(hash);
    }

    @Test
    void canonicalFormIsVersioned() {
        assertThat(SpecHash.canonicalForm(full().build())).startsWith("{\"form\":\"hybridge.workload.hash/1\"");
    }
}
