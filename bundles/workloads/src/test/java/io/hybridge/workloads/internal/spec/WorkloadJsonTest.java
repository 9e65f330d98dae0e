package io.hybridge.workloads.internal.spec;

import static io.hybridge.workloads.internal.spec.SpecBuilder.full;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.HealthCheck;
import io.hybridge.api.workload.WorkloadSpec.HealthCheckType;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;
import io.hybridge.api.workload.WorkloadSpec.RestartMode;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

class WorkloadJsonTest {

    /** The README's example, every field set. */
    static final String EXAMPLE = """
            {
              "$comment": "the README's example",
              "schemaVersion": 1,
              "name": "vision",
              "description": "motion and faces",
              "runtime": "container",
              "image": {
                "reference": "127.0.0.1:15000/hybridge/vision@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                "pullPolicy": "if-not-present",
                "archive": "/var/lib/hybridge/images/vision.tar"
              },
              "command": ["--stats", "5"],
              "resources": {"cpus": 1.0, "memoryMiB": 256, "pids": 64},
              "env": {"VISION_DETECT": "motion,face"},
              "ports": ["8080:80", "127.0.0.1:5353:53/udp",
                        {"hostIp": "", "hostPort": 9090, "containerPort": 90, "protocol": "tcp"}],
              "volumes": [
                {"type": "tmpfs", "target": "/tmp", "sizeMiB": 16},
                {"type": "bind", "source": "/data", "target": "/data", "readOnly": true},
                {"type": "volume", "source": "vision-cache", "target": "/var/cache/vision"}
              ],
              "devices": ["/dev/video0", "/dev/ttyUSB0:/dev/ttyS0:rw",
                          {"hostPath": "/dev/i2c-1", "containerPath": "/dev/i2c-1", "permissions": "rw"}],
              "network": "bridge",
              "readOnlyRootFilesystem": true,
              "restartPolicy": {"mode": "on-failure",
                                "backoff": {"initialSeconds": 0.5, "maxSeconds": 60, "multiplier": 2.0},
                                "crashLoopLimit": 5, "stableAfterSeconds": 60},
              "healthCheck": {"type": "mqtt-heartbeat", "topic": "vision/stats", "intervalSeconds": 5,
                              "timeoutSeconds": 15, "startPeriodSeconds": 10, "failureThreshold": 3},
              "bus": {"publish": ["vision/#"], "subscribe": ["sensors/+/temp"]},
              "replicas": 1,
              "logs": {"maxLines": 1000, "forwardTopic": "logs/vision"},
              "options": {"docker.shm-size": "64m"}
            }
            """;

    private static List<SpecProblem> problems(String json) {
        try {
            WorkloadJson.parse(json);
        } catch (InvalidSpecException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems with " + json);
    }

    private static SpecProblem onlyProblem(String json) {
        List<SpecProblem> problems = problems(json);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    /** A valid minimal document with {@code extra} fields added at the top level. */
    private static String with(String extra) {
        return "{\"name\": \"vision\", \"image\": \"hybridge/vision:1.0\"" + (extra.isEmpty() ? "" : ", " + extra) + "}";
    }

    @Test
    void readsEveryFieldOfTheExample() throws Exception {
        WorkloadSpec spec = WorkloadJson.parse(EXAMPLE);

        assertThat(spec.name()).isEqualTo("vision");
        assertThat(spec.description()).isEqualTo("motion and faces");
        assertThat(spec.runtime()).isEqualTo(RuntimeType.CONTAINER);
        assertThat(spec.image().digest()).startsWith("sha256:0123");
        assertThat(spec.image().pullPolicy()).isEqualTo(PullPolicy.IF_NOT_PRESENT);
        assertThat(spec.image().archive()).isEqualTo("/var/lib/hybridge/images/vision.tar");
        assertThat(spec.command()).containsExactly("--stats", "5");
        assertThat(spec.resources().cpus()).isEqualTo(1.0);
        assertThat(spec.resources().memoryMiB()).isEqualTo(256);
        assertThat(spec.resources().pids()).isEqualTo(64);
        assertThat(spec.env()).containsExactly(Map.entry("VISION_DETECT", "motion,face"));
        assertThat(spec.ports()).containsExactly(new Port("", 8080, 80, "tcp"), new Port("127.0.0.1", 5353, 53, "udp"),
                new Port("", 9090, 90, "tcp"));
        assertThat(spec.volumes()).containsExactly(new Volume(VolumeType.TMPFS, "", "/tmp", false, 16),
                new Volume(VolumeType.BIND, "/data", "/data", true, 0),
                new Volume(VolumeType.VOLUME, "vision-cache", "/var/cache/vision", false, 0));
        assertThat(spec.devices()).containsExactly(new Device("/dev/video0", "/dev/video0", "rwm"),
                new Device("/dev/ttyUSB0", "/dev/ttyS0", "rw"), new Device("/dev/i2c-1", "/dev/i2c-1", "rw"));
        assertThat(spec.network()).isEqualTo("bridge");
        assertThat(spec.readOnlyRootFilesystem()).isTrue();
        assertThat(spec.restartPolicy()).isEqualTo(new RestartPolicy(RestartMode.ON_FAILURE, Duration.ofMillis(500),
                Duration.ofSeconds(60), 2.0, 5, Duration.ofSeconds(60)));
        assertThat(spec.healthCheck()).isEqualTo(new HealthCheck(HealthCheckType.MQTT_HEARTBEAT, 0, "vision/stats",
                Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(10), 3));
        assertThat(spec.bus().publish()).containsExactly("vision/#");
        assertThat(spec.bus().subscribe()).containsExactly("sensors/+/temp");
        assertThat(spec.replicas()).isEqualTo(1);
        assertThat(spec.logs().forwardTopic()).isEqualTo("logs/vision");
        assertThat(spec.options()).containsExactly(Map.entry("docker.shm-size", "64m"));
    }

    @Test
    void theReadmeShowsTheExample() throws Exception {
        String readme = Files.readString(Path.of("README.md"));

        assertThat(readme).contains(EXAMPLE.strip().lines().filter(line -> !line.contains("$comment"))
                .toList().get(3).strip());
        assertThat(WorkloadJson.parse(readmeExample(readme))).isEqualTo(WorkloadJson.parse(EXAMPLE));
    }

    private static String readmeExample(String readme) {
        int start = readme.indexOf("```json\n") + "```json\n".length();
        return readme.substring(start, readme.indexOf("```", start));
    }

    @Test
    void theVisionWorkloadsSpecIsValid() throws Exception {
        Path file = Path.of(System.getProperty("vision.workload.spec", "../../ml-workloads/vision/vision.workload.json"));

        WorkloadSpec spec = WorkloadJson.parse(Files.readString(file), file.getFileName().toString());

        assertThat(spec.name()).isEqualTo("vision");
        assertThat(spec.image().pullPolicy()).isEqualTo(PullPolicy.NEVER);
        assertThat(spec.healthCheck().type()).isEqualTo(HealthCheckType.MQTT_HEARTBEAT);
        assertThat(spec.readOnlyRootFilesystem()).isTrue();
    }

    @Test
    void absentFieldsTakeTheSpecDefaults() throws Exception {
        WorkloadSpec spec = WorkloadJson.parse(with(""));

        assertThat(spec).isEqualTo(new WorkloadSpec("vision", null, null,
                new WorkloadSpec.Image("hybridge/vision:1.0", null, null), null, null, null, null, null, null, null,
                false, null, null, null, 1, null, null));
    }

    @Test
    void nullIsAbsent() throws Exception {
        assertThat(WorkloadJson.parse(with("\"description\": null, \"resources\": null")))
                .isEqualTo(WorkloadJson.parse(with("")));
    }

    @Test
    void fractionalSecondsAreDurations() throws Exception {
        WorkloadSpec spec = WorkloadJson.parse(with("\"healthCheck\": {\"intervalSeconds\": 0.25,"
                + " \"timeoutSeconds\": 1.5, \"startPeriodSeconds\": 0}"));

        assertThat(spec.healthCheck().interval()).isEqualTo(Duration.ofMillis(250));
        assertThat(spec.healthCheck().timeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(spec.healthCheck().startPeriod()).isZero();
    }

    @Test
    void writesWhatItReads() throws Exception {
        for (WorkloadSpec spec : List.of(full().build(), SpecBuilder.spec().build(), WorkloadJson.parse(EXAMPLE))) {
            String json = WorkloadJson.toJson(spec);

            assertThat(WorkloadJson.parse(json)).isEqualTo(spec);
            assertThat(WorkloadJson.toJson(WorkloadJson.parse(json))).isEqualTo(json);
        }
    }

    @Test
    void writesInTheDocumentedOrderWithSortedMaps() {
        SpecBuilder builder = full();
        builder.env = new java.util.LinkedHashMap<>();
        builder.env.put("ZED", "1");
        builder.env.put("ALPHA", "2");

        Map<String, Object> document = WorkloadJson.toDocument(builder.build());

        assertThat(document.keySet()).containsExactly("schemaVersion", "name", "description", "runtime", "image",
                "command", "resources", "env", "ports", "volumes", "devices", "network", "readOnlyRootFilesystem",
                "restartPolicy", "healthCheck", "bus", "replicas", "logs", "options");
        assertThat(List.copyOf(((Map<?, ?>) document.get("env")).keySet())).isEqualTo(List.of("ALPHA", "ZED"));
        assertThat(WorkloadJson.toJson(builder.build())).contains("\"initialSeconds\" : 0.5");
    }

    @Test
    void ignoresDollarKeysAnywhere() throws Exception {
        assertThat(WorkloadJson.parse(with("\"$comment\": \"x\", \"resources\": {\"$why\": \"y\", \"pids\": 5}"))
                .resources().pids()).isEqualTo(5);
    }

    @Test
    void suggestsTheKnownFieldForAnUnknownOne() {
        SpecProblem problem = onlyProblem(with("\"resources\": {\"memoryMB\": 256}"));

        assertThat(problem.field()).isEqualTo("resources.memoryMB");
        assertThat(problem.message()).startsWith("not a known field").endsWith("did you mean 'memoryMiB'?");
        assertThat(onlyProblem(with("\"replica\": 2")).message()).endsWith("did you mean 'replicas'?");
        assertThat(onlyProblem(with("\"healthCheck\": {\"type\": \"tcp\", \"prot\": 80, \"port\": 80},"
                + " \"network\": \"host\"")).field()).isEqualTo("healthCheck.prot");
        assertThat(onlyProblem(with("\"ports\": [{\"hostPort\": 1, \"containerPort\": 2, \"proto\": \"udp\"}]"))
                .message()).endsWith("did you mean 'protocol'?");
        assertThat(onlyProblem(with("\"completelyDifferent\": 1")).message()).doesNotContain("did you mean");
    }

    @Test
    void schemaVersionMustBeOneWhenPresent() throws Exception {
        assertThat(WorkloadJson.parse(with("\"schemaVersion\": 1")).name()).isEqualTo("vision");

        SpecProblem problem = onlyProblem(with("\"schemaVersion\": \"0.provisional\""));
        assertThat(problem).isEqualTo(new SpecProblem("schemaVersion", "\"0.provisional\" is not a schema version this"
                + " gateway reads; use 1, or leave it out"));
        assertThat(onlyProblem(with("\"schemaVersion\": 2")).message()).startsWith("2 is not");
    }

    @Test
    void namesWrongTypes() {
        assertThat(onlyProblem(with("\"replicas\": \"two\""))).isEqualTo(new SpecProblem("replicas",
                "\"two\" is a string; use a whole number 0–16"));
        assertThat(onlyProblem(with("\"replicas\": 1.5")).message()).isEqualTo("1.5 is not a whole number; use a whole"
                + " number 0–16");
        assertThat(onlyProblem(with("\"replicas\": 99999999999")).message()).startsWith("99999999999 is out of range");
        assertThat(onlyProblem(with("\"readOnlyRootFilesystem\": \"yes\""))).isEqualTo(new SpecProblem(
                "readOnlyRootFilesystem", "\"yes\" is a string; use true or false"));
        assertThat(onlyProblem(with("\"env\": {\"PORT\": 8080}"))).isEqualTo(new SpecProblem("env.PORT",
                "8080 is a number; use a string (\"8080\")"));
        assertThat(onlyProblem(with("\"command\": \"run\"")).message()).startsWith("\"run\" is a string; use a list");
        assertThat(onlyProblem(with("\"command\": [\"run\", 5]")).field()).isEqualTo("command[1]");
        assertThat(onlyProblem(with("\"resources\": [1]")).message()).startsWith("[…] is a list; use an object");
        assertThat(onlyProblem(with("\"restartPolicy\": {\"backoff\": {\"maxSeconds\": \"1m\"}}")))
                .isEqualTo(new SpecProblem("restartPolicy.backoff.maxSeconds",
                        "\"1m\" is a string; use a number of seconds, e.g. 5 or 0.5"));
        assertThat(onlyProblem(with("\"ports\": [8080]"))).isEqualTo(new SpecProblem("ports[0]",
                "8080 is a number; use a string or an object"));
        assertThat(onlyProblem(with("\"healthCheck\": {\"intervalSeconds\": 1e12}")).message())
                .startsWith("1000000000000 is more than a century");
    }

    @Test
    void namesBadChoicesWithTheAllowedOnes() {
        assertThat(onlyProblem(with("\"runtime\": \"containr\""))).isEqualTo(new SpecProblem("runtime",
                "\"containr\" is not a runtime; use container, unikernel or auto; did you mean 'container'?"));
        assertThat(onlyProblem("{\"name\": \"vision\", \"image\": {\"reference\": \"vision\", \"pullPolicy\": \"IfNotPresent\"}}"))
                .isEqualTo(new SpecProblem("image.pullPolicy", "\"IfNotPresent\" is not a pull policy; use never,"
                        + " if-not-present or always; did you mean 'if-not-present'?"));
        assertThat(onlyProblem(with("\"volumes\": [{\"type\": \"nfs\", \"target\": \"/x\"}]")).field())
                .isEqualTo("volumes[0].type");
        assertThat(onlyProblem(with("\"healthCheck\": {\"type\": \"http\"}")).message())
                .startsWith("\"http\" is not a health check type; use process, tcp or mqtt-heartbeat");
        assertThat(onlyProblem(with("\"restartPolicy\": {\"mode\": \"unless-stopped\"}")).field())
                .isEqualTo("restartPolicy.mode");
    }

    @Test
    void readsCompactAndObjectFormsAlike() throws Exception {
        WorkloadSpec compact = WorkloadJson.parse(with("\"ports\": [\"[::1]:8080:80/udp\"],"
                + " \"devices\": [\"/dev/ttyUSB0:/dev/ttyS0:rw\"], \"volumes\": [\"bind:/data:/data:ro\"]"));
        WorkloadSpec objects = WorkloadJson.parse(with("\"ports\": [{\"hostIp\": \"::1\", \"hostPort\": 8080,"
                + " \"containerPort\": 80, \"protocol\": \"udp\"}], \"devices\": [{\"hostPath\": \"/dev/ttyUSB0\","
                + " \"containerPath\": \"/dev/ttyS0\", \"permissions\": \"rw\"}], \"volumes\": [{\"type\": \"bind\","
                + " \"source\": \"/data\", \"target\": \"/data\", \"readOnly\": true}]"));

        assertThat(compact).isEqualTo(objects);
    }

    @Test
    void namesABadCompactForm() {
        assertThat(onlyProblem(with("\"ports\": [\"8080:80\", \"80:x\"]"))).isEqualTo(new SpecProblem("ports[1]",
                "\"80:x\" is not a port mapping (the container port \"x\" is not a number); use " + PortSyntax.FORM));
        assertThat(onlyProblem(with("\"devices\": [\"/dev/a:/dev/b:rw:x\"]")).message())
                .startsWith("\"/dev/a:/dev/b:rw:x\" is not a device (too many ':')");
    }

    @Test
    void namesTheImageAsWritten() {
        assertThat(onlyProblem("{\"name\": \"vision\", \"image\": \"Vision\"}").field()).isEqualTo("image");
        assertThat(onlyProblem("{\"name\": \"vision\", \"image\": {\"reference\": \"Vision\"}}").field())
                .isEqualTo("image.reference");
        assertThat(onlyProblem("{\"name\": \"vision\", \"image\": 5}")).isEqualTo(new SpecProblem("image",
                "5 is a number; use an image reference, e.g. \"registry.local:5000/hybridge/vision:1.0\", or an object"
                        + " {\"reference\", \"pullPolicy\", \"archive\"}"));
    }

    @Test
    void requiresTheFieldsAnElementCannotDoWithout() {
        assertThat(problems(with("\"ports\": [{\"containerPort\": 80}], \"volumes\": [{\"source\": \"/x\"}],"
                + " \"devices\": [{\"permissions\": \"r\"}]"))).extracting(SpecProblem::field).containsExactly(
                        "ports[0].hostPort", "volumes[0].type", "volumes[0].target", "devices[0].hostPath");
        assertThat(onlyProblem("{\"name\": \"vision\"}").field()).isEqualTo("image");
        assertThat(onlyProblem("{\"name\": \"vision\", \"image\": {\"pullPolicy\": \"never\"}}").field())
                .isEqualTo("image.reference");
        assertThat(onlyProblem("{\"image\": \"vision\"}")).isEqualTo(new SpecProblem("name", "missing; use 1–63"
                + " lower-case letters, digits and '-', starting with a letter and not ending with '-', e.g. vision"));
    }

    @Test
    void reportsEveryProblemOfADocumentOnce() {
        String json = """
                {
                  "name": "Vision",
                  "image": "hybridge/vision:1.0",
                  "resources": {"memoryMiB": -5, "cpu": 1},
                  "replicas": "two",
                  "ports": ["80:x"],
                  "volumes": [{"type": "bind", "source": "data", "target": "/data"}],
                  "healthCheck": {"type": "mqtt-heartbeat", "topic": "vision/stats"},
                  "bus": {"publish": ["vision/detections"]}
                }
                """;

        assertThatThrownBy(() -> WorkloadJson.parse(json, "vision.workload.json"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.problems()).extracting(SpecProblem::field).containsExactlyInAnyOrder("name",
                            "resources.memoryMiB", "resources.cpu", "replicas", "ports[0]", "volumes[0].source",
                            "healthCheck.topic");
                    assertThat(e.getMessage()).startsWith("workload spec vision.workload.json: ")
                            .contains("resources.memoryMiB: -5 is negative; use 0 for no limit or a size in MiB")
                            .contains("resources.cpu: not a known field")
                            .contains("so the workload could never publish it");
                });
    }

    @Test
    void theReadmeShowsTheProblemsAsReported() throws Exception {
        String json = """
                {
                  "name": "Vision",
                  "image": "hybridge/vision:1.0",
                  "resources": {"memoryMiB": -5, "cpu": 1},
                  "replicas": "two",
                  "ports": ["80:x"],
                  "healthCheck": {"type": "mqtt-heartbeat", "topic": "vision/stats"},
                  "bus": {"publish": ["vision/detections"]}
                }
                """;

        assertThatThrownBy(() -> WorkloadJson.parse(json, "vision.workload.json"))
                .satisfies(e -> assertThat(Files.readString(Path.of("README.md"))).contains(e.getMessage()));
    }

    @Test
    void namesTheSpecByItsNameWithoutAFile() {
        assertThatThrownBy(() -> WorkloadJson.parse(with("\"replicas\": 99")))
                .hasMessage("workload spec vision: replicas: 99 is not 0–16; use 0 to keep the workload without running"
                        + " it, or up to 16 instances");
    }

    @Test
    void malformedJsonIsOneProblemWithLineAndColumn() {
        SpecProblem problem = onlyProblem("{\n  \"name\": \"vision\",\n  \"image\": \"x\"\n  \"replicas\": 1\n}");

        assertThat(problem.field()).isEqualTo("json");
        assertThat(problem.message()).startsWith("not valid JSON at line 4, column 3: ");

        assertThatThrownBy(() -> WorkloadJson.parse("{\"name\": ", "broken.workload.json"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.problems()).singleElement().satisfies(p -> {
                        assertThat(p.field()).isEqualTo("broken.workload.json");
                        assertThat(p.message()).contains("line 1");
                    });
                    assertThat(e.getMessage()).startsWith("workload spec broken.workload.json: ");
                });
    }

    @Test
    void refusesDuplicateKeysTrailingTextAndNonObjects() {
        assertThat(onlyProblem("{\"name\": \"a\", \"name\": \"b\", \"image\": \"x\"}").message())
                .startsWith("not valid JSON at line 1").contains("name");
        assertThat(onlyProblem(with("") + " {}").message()).contains("more text after the end");
        assertThat(onlyProblem("[1, 2]").message()).startsWith("[…] is a list; a workload spec is a JSON object");
        assertThat(onlyProblem("").message()).startsWith("not valid JSON at line 1");
        assertThat(onlyProblem("\"vision\"").message()).startsWith("\"vision\" is a string; a workload spec is a JSON object");
    }
}
