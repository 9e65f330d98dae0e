package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;

/** validate() touches nothing on the host: a runtime that is switched off validates the same. */
class ValidationTest {

    private final ContainerRuntime runtime = new ContainerRuntime(new RuntimeSettings(false, "unix:///nowhere.sock", "test",
            Duration.ZERO, "", Duration.ofSeconds(10)));

    private static List<String> fields(List<SpecProblem> problems) {
        return problems.stream().map(SpecProblem::field).toList();
    }

    @Test
    void aPlainContainerSpecIsFine() {
        assertThat(runtime.validate(Specs.spec("ok").resources(1, 64, 32).options(Map.of("user", "10001:10001")).build())).isEmpty();
        assertThat(runtime.validate(Specs.spec("ok").runtime(RuntimeType.AUTO).build())).isEmpty();
    }

    @Test
    void aUnikernelSpecIsNotForThisRuntime() {
        assertThat(runtime.validate(Specs.spec("uk").runtime(RuntimeType.UNIKERNEL).build()))
                .extracting(SpecProblem::toString).containsExactly("runtime: 'unikernel' is not the container runtime's; use container or auto");
    }

    @Test
    void unknownOptionsAndBadValuesAreProblemsNamingTheKnownOnes() {
        List<SpecProblem> problems = runtime.validate(Specs.spec("o").options(Map.of("privileged", "true", "shmSizeMiB", "lots",
                "groupAdd", "44,,bad group")).build());
        assertThat(fields(problems)).containsExactlyInAnyOrder("options.privileged", "options.shmSizeMiB", "options.groupAdd");
        assertThat(problems).anySatisfy(problem -> assertThat(problem.message()).contains("it knows user, groupAdd, shmSizeMiB"));
    }

    @Test
    void busAccessWithoutNetworkIsAProblem() {
        assertThat(fields(runtime.validate(Specs.spec("b").network("none").bus(List.of("x/#"), List.of()).build()))).containsExactly("bus");
        assertThat(runtime.validate(Specs.spec("b").network("host").bus(List.of("x/#"), List.of()).build())).isEmpty();
    }

    @Test
    void publishedPortsNeedTheBridge() {
        assertThat(fields(runtime.validate(Specs.spec("p").network("host").ports(new Port("", 8080, 80, "tcp")).build())))
                .containsExactly("ports");
    }

    @Test
    void aBadReferenceOrAnAlwaysPullWithoutRegistryIsAProblem() {
        assertThat(fields(runtime.validate(Specs.spec("i").image("Bad:Ref").build()))).containsExactly("image.reference");
        assertThat(runtime.validate(Specs.spec("i").image("hybridge/vision:1", PullPolicy.ALWAYS, "").build()))
                .extracting(SpecProblem::field).containsExactly("image.pullPolicy");
    }

    @Test
    void switchedOffItIsDisabledAndEveryEngineCallSaysSo() {
        assertThat(runtime.availability().available()).isFalse();
        assertThat(runtime.health().status()).isEqualTo(HealthStatus.DISABLED);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> runtime.instances("gw"))
                .isInstanceOfSatisfying(WorkloadException.class, e -> {
                    assertThat(e.reason()).isEqualTo(WorkloadException.Reason.ENGINE_UNAVAILABLE);
                    assertThat(e.getMessage()).contains("enabled=false");
                });
    }
}
