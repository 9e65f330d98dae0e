package io.hybridge.runtime.unikernel.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.health.HealthStatus;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.runtime.unikernel.internal.vmm.AcceleratorPolicy;

/** The component without a VMM: what the supervisor and an operator are told. */
class UnikernelRuntimeTest {

    @TempDir
    Path state;

    @Test
    void withoutAVmmTheRuntimeIsDownAndSaysWhatToInstall() throws Exception {
        RuntimeSettings settings = new RuntimeSettings(true, AcceleratorPolicy.Mode.AUTO, true, Duration.ofSeconds(20), Optional.empty(),
                "host", 64, 256, 64, "", 1 << 20, "10.0.2.100", 1883, state, state.resolve("sockets"), "");
        UnikernelRuntime runtime = new UnikernelRuntime(settings, null);
        try {
            if (RuntimeSettings.onPath("firecracker").isPresent() || RuntimeSettings.onPath("solo5-hvt").isPresent()
                    || RuntimeSettings.onPath("solo5-spt").isPresent()) {
                return; // another VMM is installed here
            }
            assertTrue(runtime.availability().detail().contains("qemu-system-x86_64 is not on the PATH"), runtime.availability().detail());
            assertEquals(HealthStatus.DOWN, runtime.health().status());
            assertEquals("unikernel-runtime", runtime.subsystem());
            WorkloadException down = assertThrows(WorkloadException.class, () -> runtime.start(new InstanceRequest("gw",
                    Specs.spec("t", Map.of()), "h", 0, Optional.empty())));
            assertEquals(WorkloadException.Reason.ENGINE_UNAVAILABLE, down.reason());
            assertTrue(runtime.instances("gw").isEmpty());
            assertTrue(runtime.inspect("hb-gw-t-0").isEmpty());
        } finally {
            runtime.deactivate();
        }
    }

    @Test
    void aReferenceWithoutRegistryIsLookedUpInTheCacheOnlyWhenNoDefaultRegistryIsSet() {
        WorkloadException missing = assertThrows(WorkloadException.class, () -> ImageStores.create(state.resolve("images"), "",
                registry -> { throw new AssertionError("no registry may be asked, was asked for " + registry); })
                .prepare(new WorkloadSpec.Image("hybridge/no-such-guest:1", null, null), false));
        assertEquals(WorkloadException.Reason.IMAGE_NOT_FOUND, missing.reason());
    }
}
