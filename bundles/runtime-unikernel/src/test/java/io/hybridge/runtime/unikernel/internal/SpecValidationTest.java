package io.hybridge.runtime.unikernel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadSpec;

class SpecValidationTest {

    static final long DEVICE = 2048L * 1024 * 1024;

    @Test
    void aPlainMicroVmSpecIsFine() {
        assertEquals(List.of(), SpecValidation.problems(Specs.spec("t", Map.of("A", "b c")), DEVICE, 2));
    }

    @Test
    void whatAMicroVmCannotHonourIsNamedWithWhatToDo() {
        WorkloadSpec spec = new WorkloadSpec("t", "", RuntimeType.UNIKERNEL, new WorkloadSpec.Image("r/t:1", null, null),
                List.of("--verbose"), new WorkloadSpec.Resources(4, 4096, 10), Map.of("Q", "a\"b"),
                List.of(new WorkloadSpec.Port("", 8080, 80, "tcp")),
                List.of(new WorkloadSpec.Volume(WorkloadSpec.VolumeType.BIND, "/data", "/data", false, 0)),
                List.of(new WorkloadSpec.Device("/dev/video0", null, null)), "host", false, null,
                new WorkloadSpec.HealthCheck(WorkloadSpec.HealthCheckType.TCP, 8080, null, null, null, null, 3), null, 1, null,
                Map.of("unikernel.hypervisor", "xen", "memory", "1"));
        List<String> fields = SpecValidation.problems(spec, DEVICE, 2).stream().map(SpecProblem::field).sorted().toList();
        assertEquals(List.of("command", "devices[0]", "env.Q", "healthCheck.type", "network", "options.memory",
                "options.unikernel.hypervisor", "ports[0]", "resources.cpus", "resources.memoryMiB", "resources.pids", "volumes[0]"), fields);
        SpecProblem memory = SpecValidation.problems(spec, DEVICE, 2).stream().filter(p -> p.field().equals("resources.memoryMiB"))
                .findFirst().orElseThrow();
        assertEquals("4096 MiB is more than the device's memory (2048 MiB); ask for less", memory.message());
    }

    @Test
    void busAccessNeedsTheNetwork() {
        WorkloadSpec spec = new WorkloadSpec("t", "", RuntimeType.UNIKERNEL, new WorkloadSpec.Image("r/t:1", null, null), null, null,
                null, null, null, null, "none", false, null, null, new WorkloadSpec.BusAccess(List.of("a/b"), List.of()), 1, null, null);
        assertTrue(SpecValidation.problems(spec, DEVICE, 2).stream().anyMatch(p -> p.field().equals("bus")));
    }
}
