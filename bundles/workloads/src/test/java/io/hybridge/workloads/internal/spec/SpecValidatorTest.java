package io.hybridge.workloads.internal.spec;

import static io.hybridge.workloads.internal.spec.SpecBuilder.full;
import static io.hybridge.workloads.internal.spec.SpecBuilder.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.HealthCheckType;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

class SpecValidatorTest {

    private static final String HEX = "0123456789abcdef".repeat(4);

    private static Arguments rule(String rule, Consumer<SpecBuilder> change, String field, String inMessage) {
        return Arguments.of(rule, change, field, inMessage);
    }

    static Stream<Arguments> broken() {
        return Stream.of(
                rule("name missing", s -> s.name = "", "name", "missing"),
                rule("name upper case", s -> s.name = "Vision", "name", "\"Vision\" is not a workload name"),
                rule("name starts with a digit", s -> s.name = "1vision", "name", "\"1vision\""),
                rule("name ends with '-'", s -> s.name = "vision-", "name", "\"vision-\""),
                rule("name too long", s -> s.name = "v" + "x".repeat(63), "name", "1–63"),
                rule("image empty", s -> s.reference = "", "image.reference", "missing"),
                rule("image upper case path", s -> s.reference = "hybridge/Vision", "image.reference",
                        "\"Vision\" has upper-case letters"),
                rule("image bad tag", s -> s.reference = "vision:-x", "image.reference", "the tag \"-x\""),
                rule("image short digest", s -> s.reference = "vision@sha256:abc", "image.reference", "sha256:abc"),
                rule("image upper-case digest", s -> s.reference = "vision@sha256:" + HEX.toUpperCase(),
                        "image.reference", "64 lower-case hex"),
                rule("image bad registry port", s -> s.reference = "registry:99999/vision", "image.reference",
                        "\"99999\""),
                rule("image empty path component", s -> s.reference = "hybridge//vision", "image.reference",
                        "a path component is empty"),
                rule("image double separator", s -> s.reference = "hybridge/vi..sion", "image.reference", "\"vi..sion\""),
                rule("archive relative", s -> s.archive = "images/vision.tar", "image.archive", "\"images/vision.tar\""),
                rule("cpus negative", s -> s.cpus = -1, "resources.cpus", "-1 is negative"),
                rule("cpus over 1024", s -> s.cpus = 1025, "resources.cpus", "1025 is not 0–1024"),
                rule("cpus NaN", s -> s.cpus = Double.NaN, "resources.cpus", "NaN"),
                rule("memory negative", s -> s.memoryMiB = -5, "resources.memoryMiB",
                        "-5 is negative; use 0 for no limit or a size in MiB"),
                rule("memory below Docker's minimum", s -> s.memoryMiB = 5, "resources.memoryMiB", "5 is below"),
                rule("memory beyond 16 TiB", s -> s.memoryMiB = Long.MAX_VALUE / 2, "resources.memoryMiB", "16 TiB"),
                rule("pids negative", s -> s.pids = -1, "resources.pids", "-1 is negative"),
                rule("env name", s -> s.env.put("1BAD", "x"), "env.1BAD", "\"1BAD\" is not a variable name"),
                rule("env name with '-'", s -> s.env.put("A-B", "x"), "env.A-B", "\"A-B\""),
                rule("env sets MQTT_URI with bus access", s -> {
                    s.publish.add("vision/#");
                    s.env.put("MQTT_URI", "tcp://x");
                }, "env.MQTT_URI", "the gateway sets MQTT_URI"),
                rule("env sets MQTT_PASSWORD with bus access", s -> {
                    s.subscribe.add("a/b");
                    s.env.put("MQTT_PASSWORD", "x");
                }, "env.MQTT_PASSWORD", "MQTT_PASSWORD"),
                rule("host port 0", s -> s.ports.add(new Port("", 0, 80, "tcp")), "ports[0].hostPort", "host port 0"),
                rule("container port 65536", s -> s.ports.add(new Port("", 80, 65_536, "tcp")),
                        "ports[0].containerPort", "container port 65536"),
                rule("protocol sctp", s -> s.ports.add(new Port("", 80, 80, "sctp")), "ports[0].protocol", "\"sctp\""),
                rule("host ip a name", s -> s.ports.add(new Port("localhost", 80, 80, "tcp")), "ports[0].hostIp",
                        "\"localhost\" is not an IP address"),
                rule("host ip out of range", s -> s.ports.add(new Port("256.1.1.1", 80, 80, "tcp")), "ports[0].hostIp",
                        "\"256.1.1.1\""),
                rule("duplicate host port", s -> {
                    s.ports.add(new Port("", 8080, 80, "tcp"));
                    s.ports.add(new Port("127.0.0.1", 8080, 81, "tcp"));
                }, "ports[1].hostPort", "8080/tcp is already published by ports[0]"),
                rule("host ports with replicas", s -> {
                    s.ports.add(new Port("", 8080, 80, "tcp"));
                    s.replicas = 2;
                }, "ports[0].hostPort", "each of the 2 replicas would publish host port 8080"),
                rule("volume target relative", s -> s.volumes.add(new Volume(VolumeType.TMPFS, "", "tmp", false, 0)),
                        "volumes[0].target", "\"tmp\" is not an absolute path"),
                rule("volume target with ..", s -> s.volumes.add(new Volume(VolumeType.TMPFS, "", "/a/../b", false, 0)),
                        "volumes[0].target", "\"/a/../b\" contains '..'"),
                rule("volume target with ':'", s -> s.volumes.add(new Volume(VolumeType.TMPFS, "", "/a:b", false, 0)),
                        "volumes[0].target", "\"/a:b\" contains ':'"),
                rule("volume target twice", s -> {
                    s.volumes.add(new Volume(VolumeType.TMPFS, "", "/data", false, 0));
                    s.volumes.add(new Volume(VolumeType.VOLUME, "data", "/data", false, 0));
                }, "volumes[1].target", "\"/data\" is already mounted by volumes[0]"),
                rule("bind source relative", s -> s.volumes.add(new Volume(VolumeType.BIND, "data", "/data", false, 0)),
                        "volumes[0].source", "\"data\" is not an absolute path"),
                rule("bind source missing", s -> s.volumes.add(new Volume(VolumeType.BIND, "", "/data", false, 0)),
                        "volumes[0].source", "missing"),
                rule("volume source a path", s -> s.volumes.add(new Volume(VolumeType.VOLUME, "/data", "/data", false, 0)),
                        "volumes[0].source", "\"/data\" is not a volume name"),
                rule("tmpfs with a source", s -> s.volumes.add(new Volume(VolumeType.TMPFS, "/x", "/tmp", false, 0)),
                        "volumes[0].source", "\"/x\": a tmpfs mount has no source"),
                rule("tmpfs size negative", s -> s.volumes.add(new Volume(VolumeType.TMPFS, "", "/tmp", false, -1)),
                        "volumes[0].sizeMiB", "size -1 is negative"),
                rule("size on a bind mount", s -> s.volumes.add(new Volume(VolumeType.BIND, "/d", "/d", false, 16)),
                        "volumes[0].sizeMiB", "size 16 applies only to tmpfs"),
                rule("device outside /dev", s -> s.devices.add(new Device("/tmp/video0", "", "")),
                        "devices[0].hostPath", "\"/tmp/video0\" is not a device under /dev/"),
                rule("device /dev itself", s -> s.devices.add(new Device("/dev/", "", "")), "devices[0].hostPath",
                        "\"/dev/\""),
                rule("device escaping /dev", s -> s.devices.add(new Device("/dev/../etc/shadow", "", "")),
                        "devices[0].hostPath", "\"/dev/../etc/shadow\""),
                rule("device container path relative", s -> s.devices.add(new Device("/dev/video0", "video0", "")),
                        "devices[0].containerPath", "\"video0\" is not an absolute path"),
                rule("device permissions", s -> s.devices.add(new Device("/dev/video0", "", "rx")),
                        "devices[0].permissions", "\"rx\" are not some of r, w and m"),
                rule("device permissions repeated", s -> s.devices.add(new Device("/dev/video0", "", "rr")),
                        "devices[0].permissions", "\"rr\""),
                rule("network unknown", s -> s.network = "brigde", "network", "\"brigde\" is not a network; use bridge,"
                        + " host or none; did you mean 'bridge'?"),
                rule("bus access without network", s -> {
                    s.network = "none";
                    s.publish.add("vision/#");
                }, "network", "none cannot reach the local broker"),
                rule("initial backoff zero", s -> s.initialBackoff = Duration.ZERO, "restartPolicy.backoff.initialSeconds",
                        "0 is not positive"),
                rule("max backoff below initial", s -> s.maxBackoff = Duration.ofMillis(500),
                        "restartPolicy.backoff.maxSeconds", "0.5 is less than initialSeconds 1"),
                rule("multiplier below 1", s -> s.multiplier = 0.5, "restartPolicy.backoff.multiplier", "0.5 is not 1–10"),
                rule("multiplier above 10", s -> s.multiplier = 11, "restartPolicy.backoff.multiplier", "11 is not 1–10"),
                rule("crash loop limit 0", s -> s.crashLoopLimit = 0, "restartPolicy.crashLoopLimit", "0 is not 1–1000"),
                rule("crash loop limit 1001", s -> s.crashLoopLimit = 1001, "restartPolicy.crashLoopLimit", "1001"),
                rule("stable after 0", s -> s.stableAfter = Duration.ZERO, "restartPolicy.stableAfterSeconds",
                        "0 is not positive"),
                rule("tcp check without port", s -> s.healthType = HealthCheckType.TCP, "healthCheck.port",
                        "0 is not a port"),
                rule("tcp check on an unpublished port", s -> {
                    s.healthType = HealthCheckType.TCP;
                    s.healthPort = 8080;
                }, "healthCheck.port", "8080 is not a published host port"),
                rule("tcp check without network", s -> {
                    s.healthType = HealthCheckType.TCP;
                    s.healthPort = 8080;
                    s.network = "none";
                }, "healthCheck.port", "network none publishes no ports"),
                rule("heartbeat without topic", s -> s.healthType = HealthCheckType.MQTT_HEARTBEAT, "healthCheck.topic",
                        "missing"),
                rule("heartbeat topic with wildcard", s -> {
                    s.healthType = HealthCheckType.MQTT_HEARTBEAT;
                    s.healthTopic = "vision/#";
                    s.publish.add("vision/#");
                }, "healthCheck.topic", "\"vision/#\" is not a topic to publish to"),
                rule("heartbeat topic outside bus.publish", s -> {
                    s.healthType = HealthCheckType.MQTT_HEARTBEAT;
                    s.healthTopic = "vision/stats";
                    s.publish.add("vision/detections");
                }, "healthCheck.topic", "\"vision/stats\" is not within bus.publish [vision/detections], so the"
                        + " workload could never publish it"),
                rule("interval zero", s -> s.interval = Duration.ZERO, "healthCheck.intervalSeconds", "0 is not positive"),
                rule("timeout negative", s -> s.timeout = Duration.ofSeconds(-1), "healthCheck.timeoutSeconds",
                        "-1 is not positive"),
                rule("start period negative", s -> s.startPeriod = Duration.ofSeconds(-1),
                        "healthCheck.startPeriodSeconds", "-1 is negative"),
                rule("failure threshold 0", s -> s.failureThreshold = 0, "healthCheck.failureThreshold", "0 is below 1"),
                rule("publish filter empty", s -> s.publish.add(""), "bus.publish[0]", "empty"),
                rule("publish # not last", s -> s.publish.add("a/#/b"), "bus.publish[0]",
                        "\"a/#/b\" is not an MQTT topic filter: '#' must be a whole level and the last one"),
                rule("subscribe + not a whole level", s -> s.subscribe.add("a/b+"), "bus.subscribe[0]",
                        "\"a/b+\" is not an MQTT topic filter: '+' must be a whole level"),
                rule("subscribe # in a level", s -> s.subscribe.add("a#"), "bus.subscribe[0]", "\"a#\""),
                rule("replicas negative", s -> s.replicas = -1, "replicas", "-1 is not 0–16"),
                rule("replicas 17", s -> s.replicas = 17, "replicas", "17 is not 0–16"),
                rule("log lines negative", s -> s.maxLines = -1, "logs.maxLines", "-1 is not 0–100000"),
                rule("log lines 100001", s -> s.maxLines = 100_001, "logs.maxLines", "100001"),
                rule("forward topic with wildcard", s -> s.forwardTopic = "logs/+", "logs.forwardTopic",
                        "\"logs/+\" is not a topic to publish to"),
                rule("option key", s -> s.options.put("-x", "1"), "options.-x", "\"-x\" is not an option name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void refusesWithTheFieldAndTheValue(String rule, Consumer<SpecBuilder> change, String field, String inMessage) {
        SpecBuilder builder = spec();
        change.accept(builder);

        List<SpecProblem> problems = SpecValidator.problems(builder.build());

        assertThat(problems).as(rule).anySatisfy(problem -> {
            assertThat(problem.field()).isEqualTo(field);
            assertThat(problem.message()).contains(inMessage).contains("; ");
        });
    }

    static Stream<Arguments> fine() {
        return Stream.of(
                rule("name of one letter", s -> s.name = "v", null, null),
                rule("name of 63", s -> s.name = "v" + "x-1".repeat(20) + "ab", null, null),
                rule("image without registry or tag", s -> s.reference = "vision", null, null),
                rule("image with localhost registry", s -> s.reference = "localhost/vision:latest", null, null),
                rule("image with registry, port, tag and digest",
                        s -> s.reference = "127.0.0.1:15000/hybridge/vision:1.0_rc-1@sha256:" + HEX, null, null),
                rule("image path separators", s -> s.reference = "a/b.c/d_e/f__g/h---i", null, null),
                rule("archive absolute", s -> s.archive = "/images/vision.tar", null, null),
                rule("never without archive", s -> s.pullPolicy = io.hybridge.api.workload.WorkloadSpec.PullPolicy.NEVER,
                        null, null),
                rule("cpus 0 and 1024", s -> s.cpus = 1024, null, null),
                rule("memory 0", s -> s.memoryMiB = 0, null, null),
                rule("memory 6", s -> s.memoryMiB = 6, null, null),
                rule("env names", s -> {
                    s.env.put("_A1", "");
                    s.env.put("MQTT_URI", "allowed without bus access");
                }, null, null),
                rule("ports: same host port on tcp and udp",
                        s -> s.ports.addAll(List.of(new Port("", 53, 53, "tcp"), new Port("", 53, 53, "udp"))), null, null),
                rule("ports: same host port on two addresses", s -> s.ports.addAll(List.of(
                        new Port("127.0.0.1", 80, 80, "tcp"), new Port("10.0.0.1", 80, 80, "tcp"))), null, null),
                rule("ports: IPv6 address", s -> s.ports.add(new Port("::1", 80, 80, "tcp")), null, null),
                rule("replicas without ports", s -> s.replicas = 16, null, null),
                rule("replicas 0 with ports", s -> {
                    s.replicas = 0;
                    s.ports.add(new Port("", 80, 80, "tcp"));
                }, null, null),
                rule("every kind of mount", s -> s.volumes.addAll(full().volumes), null, null),
                rule("devices", s -> s.devices.addAll(List.of(new Device("/dev/video0", "", "r"),
                        new Device("/dev/ttyUSB0", "/dev/ttyS0", "mwr"))), null, null),
                rule("network host and none", s -> s.network = "none", null, null),
                rule("bus with network host", s -> {
                    s.network = "host";
                    s.publish.add("#");
                }, null, null),
                rule("constant backoff", s -> {
                    s.multiplier = 1;
                    s.maxBackoff = s.initialBackoff;
                }, null, null),
                rule("crash loop limit 1 and fractional seconds", s -> {
                    s.crashLoopLimit = 1;
                    s.initialBackoff = Duration.ofMillis(100);
                }, null, null),
                rule("tcp check on a published port", s -> {
                    s.healthType = HealthCheckType.TCP;
                    s.healthPort = 8080;
                    s.ports.add(new Port("", 8080, 80, "tcp"));
                }, null, null),
                rule("tcp check with network host", s -> {
                    s.healthType = HealthCheckType.TCP;
                    s.healthPort = 8080;
                    s.network = "host";
                }, null, null),
                rule("heartbeat within a + filter", s -> {
                    s.healthType = HealthCheckType.MQTT_HEARTBEAT;
                    s.healthTopic = "vision/cam1/stats";
                    s.publish.addAll(List.of("other/#", "vision/+/stats"));
                }, null, null),
                rule("filters", s -> {
                    s.publish.addAll(List.of("#", "+", "a/+/b/#", "/a"));
                    s.subscribe.add("sensors/+/temp");
                }, null, null),
                rule("logs off and forwarded", s -> {
                    s.maxLines = 0;
                    s.forwardTopic = "logs/vision";
                }, null, null),
                rule("option keys", s -> s.options.put("docker.shm-size_x", "64"), null, null),
                rule("everything set", s -> {
                }, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fine")
    void accepts(String rule, Consumer<SpecBuilder> change, String unused, String unusedToo) {
        SpecBuilder builder = spec();
        change.accept(builder);

        assertThat(SpecValidator.problems(builder.build())).as(rule).isEmpty();
    }

    @Test
    void acceptsTheFullExample() {
        assertThat(SpecValidator.problems(full().build())).isEmpty();
    }

    @Test
    void reportsEveryProblemAndNamesTheSpec() {
        SpecBuilder builder = spec();
        builder.memoryMiB = -5;
        builder.replicas = 20;
        builder.network = "wifi";
        builder.devices.add(new Device("/home/x", "", "q"));

        assertThatThrownBy(() -> SpecValidator.validate(builder.build()))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.problems()).extracting(SpecProblem::field).containsExactlyInAnyOrder(
                            "resources.memoryMiB", "replicas", "network", "devices[0].hostPath", "devices[0].permissions");
                    assertThat(e.getMessage()).startsWith("workload spec vision: ")
                            .contains("resources.memoryMiB: -5 is negative; use 0 for no limit or a size in MiB");
                });
    }

    @Test
    void validateReturnsAValidSpec() throws Exception {
        assertThat(SpecValidator.validate(full().build())).isEqualTo(full().build());
    }

    @Test
    void anArchiveInTheGatewayUsersHomeIsAcceptedAndExpanded() {
        SpecBuilder builder = full();
        builder.archive = "~/.cache/hybridge/images/telemetry.oci.tar";
        assertThat(SpecValidator.problems(builder.build())).isEmpty();
        assertThat(builder.build().image().archivePath()).contains(
                java.nio.file.Path.of(System.getProperty("user.home"), ".cache/hybridge/images/telemetry.oci.tar"));
        builder.archive = "~alice/images/telemetry.oci.tar";
        assertThat(SpecValidator.problems(builder.build())).extracting(p -> p.field()).containsExactly("image.archive");
    }
}
