package io.hybridge.workloads.internal.spec;

import static io.hybridge.workloads.internal.spec.SpecBuilder.full;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Vector;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

class WorkloadPropertiesTest {

    private static Map<String, Object> minimal() {
        Map<String, Object> properties = new HashMap<>();
        properties.put("name", "vision");
        properties.put("image", "hybridge/vision:1.0");
        return properties;
    }

    private static List<SpecProblem> problems(Map<String, Object> properties) {
        try {
            WorkloadProperties.toSpec(properties);
        } catch (InvalidSpecException e) {
            return e.problems();
        }
        throw new AssertionError("expected problems with " + properties);
    }

    private static SpecProblem onlyProblem(Map<String, Object> properties) {
        List<SpecProblem> problems = problems(properties);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    private static Map<String, Object> with(String key, Object value) {
        Map<String, Object> properties = minimal();
        properties.put(key, value);
        return properties;
    }

    @Test
    void readsBackWhatItWrites() throws Exception {
        for (WorkloadSpec spec : List.of(full().build(), SpecBuilder.spec().build(),
                WorkloadJson.parse(WorkloadJsonTest.EXAMPLE))) {
            Map<String, Object> properties = WorkloadProperties.toProperties(spec, "deploy:vision.workload.json");

            assertThat(WorkloadProperties.toSpec(properties)).isEqualTo(spec);
            assertThat(WorkloadProperties.source(properties)).isEqualTo("deploy:vision.workload.json");
        }
    }

    @Test
    void writesTheTypesTheMetatypeDeclares() {
        Map<String, Object> properties = WorkloadProperties.toProperties(full().build(), "cloud");

        assertThat(properties.get("cpus")).isEqualTo(1.5);
        assertThat(properties.get("memoryMiB")).isEqualTo(256L);
        assertThat(properties.get("pids")).isEqualTo(64);
        assertThat(properties.get("readOnlyRootFilesystem")).isEqualTo(true);
        assertThat(properties.get("restart.initialBackoffSeconds")).isEqualTo(0.5);
        assertThat(properties.get("health.timeoutSeconds")).isEqualTo(15.25);
        assertThat(properties.get("restart.crashLoopLimit")).isEqualTo(7);
        assertThat((String[]) properties.get("ports")).containsExactly("8080:80", "127.0.0.1:5353:53/udp", "[::1]:9090:90");
        assertThat((String[]) properties.get("volumes")).containsExactly("tmpfs:/tmp:size=16", "bind:/data:/data:ro",
                "volume:vision-data:/var/x");
        assertThat((String[]) properties.get("devices")).containsExactly("/dev/video0", "/dev/ttyUSB0:/dev/ttyS0:rw");
        assertThat((String[]) properties.get("env")).containsExactly("EMPTY=", "EQUATION=a=b", "LEVEL=debug");
        assertThat((String[]) properties.get("options")).containsExactly("docker.runtime=runc", "shm-size=64");
        assertThat(properties.get("source")).isEqualTo("cloud");
        assertThat(WorkloadProperties.toDictionary(full().build(), "cloud").get("pids")).isEqualTo(64);
    }

    /** Every attribute of the Metatype is written, with the same default the spec has. */
    @Test
    void metatypeDefaultsAreTheSpecDefaults() throws Exception {
        WorkloadSpec defaults = WorkloadProperties.toSpec(minimal());
        Map<String, Object> written = WorkloadProperties.toProperties(defaults, "config");

        List<String> attributes = Arrays.stream(WorkloadConfig.class.getDeclaredMethods())
                .map(method -> method.getName().replace('_', '.')).toList();
        assertThat(written.keySet()).containsExactlyInAnyOrderElementsOf(attributes);
        for (Method attribute : WorkloadConfig.class.getDeclaredMethods()) {
            Object metatypeDefault = attribute.getDefaultValue();
            String key = attribute.getName().replace('_', '.');
            if (metatypeDefault == null) {
                assertThat(key).as("attributes without a default").isIn("name", "image");
            } else if (metatypeDefault instanceof String[] array) {
                assertThat((String[]) written.get(key)).as(key).containsExactly(array);
            } else {
                assertThat(written.get(key)).as(key).isEqualTo(metatypeDefault);
            }
        }
    }

    @Test
    void toleratesTheTypesConfigAdminDelivers() throws Exception {
        Map<String, Object> properties = minimal();
        properties.put("cpus", "0.5");
        properties.put("memoryMiB", 256);
        properties.put("pids", 64L);
        properties.put("replicas", 2.0);
        properties.put("readOnlyRootFilesystem", "TRUE");
        properties.put("restart.initialBackoffSeconds", "0.25");
        properties.put("restart.crashLoopLimit", "7");
        properties.put("health.intervalSeconds", 3);
        properties.put("command", "--verbose");
        properties.put("bus.publish", new Vector<>(List.of("vision/#", " ")));
        properties.put("bus.subscribe", new String[] {""});
        properties.put("volumes", List.of("tmpfs:/tmp"));
        properties.put("env", new String[] {"A=1"});

        WorkloadSpec spec = WorkloadProperties.toSpec(properties);

        assertThat(spec.resources().cpus()).isEqualTo(0.5);
        assertThat(spec.resources().memoryMiB()).isEqualTo(256);
        assertThat(spec.resources().pids()).isEqualTo(64);
        assertThat(spec.replicas()).isEqualTo(2);
        assertThat(spec.readOnlyRootFilesystem()).isTrue();
        assertThat(spec.restartPolicy().initialBackoff()).isEqualTo(Duration.ofMillis(250));
        assertThat(spec.restartPolicy().crashLoopLimit()).isEqualTo(7);
        assertThat(spec.healthCheck().interval()).isEqualTo(Duration.ofSeconds(3));
        assertThat(spec.command()).containsExactly("--verbose");
        assertThat(spec.bus().publish()).containsExactly("vision/#");
        assertThat(spec.bus().subscribe()).isEmpty();
        assertThat(spec.volumes()).containsExactly(new Volume(VolumeType.TMPFS, "", "/tmp", false, 0));
        assertThat(spec.env()).containsExactly(Map.entry("A", "1"));
    }

    @Test
    void blankNumbersAreDefaults() throws Exception {
        Map<String, Object> properties = minimal();
        properties.put("cpus", "");
        properties.put("replicas", " ");

        assertThat(WorkloadProperties.toSpec(properties)).isEqualTo(WorkloadProperties.toSpec(minimal()));
    }

    @Test
    void sharesTheCompactFormsWithTheJsonForm() throws Exception {
        Map<String, Object> properties = minimal();
        properties.put("ports", new String[] {"[::1]:8080:80/udp"});
        properties.put("devices", new String[] {"/dev/ttyUSB0:/dev/ttyS0:rw"});

        WorkloadSpec spec = WorkloadProperties.toSpec(properties);

        assertThat(spec.ports()).containsExactly(new Port("::1", 8080, 80, "udp"));
        assertThat(spec.devices()).containsExactly(new Device("/dev/ttyUSB0", "/dev/ttyS0", "rw"));
    }

    @Test
    void namesAPortMappingThatIsNot() {
        assertThat(onlyProblem(with("ports", new String[] {"8080:80", "80:x"}))).isEqualTo(new SpecProblem("ports[1]",
                "\"80:x\" is not a port mapping (the container port \"x\" is not a number); use [ip:]hostPort:containerPort"
                        + "[/tcp|udp], e.g. 8080:80 or 127.0.0.1:5353:53/udp"));
    }

    @Test
    void namesRuleProblemsByThePropertyKey() {
        assertThat(onlyProblem(with("memoryMiB", -5))).isEqualTo(new SpecProblem("memoryMiB",
                "-5 is negative; use 0 for no limit or a size in MiB"));
        assertThat(onlyProblem(with("image", "Hybridge/Vision")).field()).isEqualTo("image");
        assertThat(onlyProblem(with("restart.initialBackoffSeconds", 0)).field()).isEqualTo("restart.initialBackoffSeconds");
        assertThat(onlyProblem(with("restart.multiplier", 20)).field()).isEqualTo("restart.multiplier");
        assertThat(onlyProblem(with("health.failureThreshold", 0)).field()).isEqualTo("health.failureThreshold");
        assertThat(onlyProblem(with("bus.subscribe", new String[] {"a/#", "a/#/b"})).field()).isEqualTo("bus.subscribe[1]");
        assertThat(onlyProblem(with("volumes", new String[] {"tmpfs:/tmp", "bind:data:/data"})))
                .isEqualTo(new SpecProblem("volumes[1]", "source \"data\" is not an absolute path; a bind mount's source"
                        + " is a directory or file on the gateway, e.g. /var/lib/vision"));
        assertThat(onlyProblem(with("devices", new String[] {"/dev/video0:rx"})).field()).isEqualTo("devices[0]");
        assertThat(onlyProblem(with("options", new String[] {"ok=1", "-bad=2"})).field()).isEqualTo("options[1]");
    }

    @Test
    void keepsTheConfiguredIndexWhenElementsAreSkipped() {
        Map<String, Object> properties = with("ports", new String[] {"", "nonsense", "8080:0"});

        assertThat(problems(properties)).extracting(SpecProblem::field).containsExactly("ports[1]", "ports[2]");
        Map<String, Object> withBus = with("env", new String[] {"A=1", "", "MQTT_URI=x"});
        withBus.put("bus.publish", "vision/#");
        assertThat(onlyProblem(withBus)).isEqualTo(new SpecProblem("env[2]", "the gateway sets MQTT_URI for the"
                + " workload's own broker account (it"
                + " asks for bus access); remove it from env"));
    }

    @Test
    void namesEntriesThatAreNotNameEqualsValue() {
        assertThat(onlyProblem(with("env", "LEVEL"))).isEqualTo(new SpecProblem("env[0]",
                "\"LEVEL\" is not NAME=value, e.g. LEVEL=debug; use NAME=value, e.g. LEVEL=debug"));
        assertThat(onlyProblem(with("env", new String[] {"A=1", "A=2"}))).isEqualTo(new SpecProblem("env[1]",
                "A is already set by env[0]; set it once"));
    }

    @Test
    void namesValuesOfTheWrongType() {
        assertThat(onlyProblem(with("replicas", "two"))).isEqualTo(new SpecProblem("replicas",
                "\"two\" is not a number; use a whole number 0–16"));
        assertThat(onlyProblem(with("replicas", 1.5)).message()).isEqualTo("1.5 is not a whole number; use a whole"
                + " number 0–16");
        assertThat(onlyProblem(with("readOnlyRootFilesystem", "yes"))).isEqualTo(new SpecProblem(
                "readOnlyRootFilesystem", "\"yes\" is not true or false; use true or false"));
        assertThat(onlyProblem(with("health.type", "http")).message()).isEqualTo("\"http\" is not a health check type;"
                + " use process, tcp or mqtt-heartbeat");
        assertThat(onlyProblem(with("network", new String[] {"host", "none"})).message()).contains("has 2 values; use one");
        assertThat(onlyProblem(with("cpus", Double.NaN)).message()).startsWith("NaN is not a number");
    }

    @Test
    void refusesUnknownPropertiesButNotTheFrameworks() throws Exception {
        assertThat(onlyProblem(with("memory", 256))).isEqualTo(new SpecProblem("memory",
                "not a workload property; did you mean 'memoryMiB'?"));

        Map<String, Object> properties = minimal();
        properties.put("service.pid", "io.hybridge.workload~vision");
        properties.put("service.factoryPid", "io.hybridge.workload");
        properties.put("component.name", "x");
        properties.put("felix.fileinstall.filename", "file:/x");
        properties.put(".private", "x");
        properties.put("source", "config");
        assertThat(WorkloadProperties.toSpec(properties).name()).isEqualTo("vision");
    }

    @Test
    void takesTheNameFromTheConfigurationAndRefusesAnother() throws Exception {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", "io.hybridge.workload~camera");
        properties.put("image", "vision");
        assertThat(WorkloadProperties.toSpec(properties).name()).isEqualTo("camera");

        properties.put("name", "vision");
        assertThat(onlyProblem(properties)).isEqualTo(new SpecProblem("name", "\"vision\" differs from the"
                + " configuration's name \"camera\"; use camera, or create a configuration named vision"));
    }

    @Test
    void reportsEveryProblemInAttributeOrder() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("replicas", 30);
        properties.put("ports", "x");
        properties.put("memoryMiB", 3);
        properties.put("name", "Vision");

        assertThatThrownBy(() -> WorkloadProperties.toSpec(properties))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.problems()).extracting(SpecProblem::field)
                            .containsExactly("name", "image", "memoryMiB", "ports[0]", "replicas");
                    assertThat(e.getMessage()).startsWith("workload configuration Vision: name: \"Vision\"");
                });
    }

    @Test
    void sourceIsConfigWhenNotSaid() {
        assertThat(WorkloadProperties.source(minimal())).isEqualTo("config");
        assertThat(WorkloadProperties.toProperties(full().build(), null).get("source")).isEqualTo("config");
    }
}
