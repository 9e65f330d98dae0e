package io.hybridge.runtime.unikernel.internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.runtime.unikernel.internal.vmm.AcceleratorPolicy;

/** Specs and settings for the tests. */
final class Specs {

    private Specs() {
    }

    static WorkloadSpec spec(String name, Map<String, String> env) {
        return spec(name, env, WorkloadSpec.Resources.UNLIMITED);
    }

    static WorkloadSpec spec(String name, Map<String, String> env, WorkloadSpec.Resources resources) {
        return new WorkloadSpec(name, "", RuntimeType.UNIKERNEL, new WorkloadSpec.Image("localhost/hybridge/test-guest:1", null, null),
                null, resources, env, null, null, null, null, false, null, null, null, 1, null, null);
    }

    static RuntimeSettings settings(Path stateDir, AcceleratorPolicy.Mode accelerator, Duration deadline, String kvmCpuModel,
                                    String cgroupParent, long consoleMaxBytes) {
        return new RuntimeSettings(true, accelerator, true, deadline, Optional.of(TestGuest.QEMU), kvmCpuModel, 32, 96, 64,
                cgroupParent, consoleMaxBytes, "10.0.2.100", 1883, stateDir, Path.of(System.getProperty("java.io.tmpdir"),
                "hb-vmm-test"), "");
    }

    static RuntimeSettings tcg(Path stateDir) {
        return settings(stateDir, AcceleratorPolicy.Mode.TCG, Duration.ofSeconds(60), "host", "", 1024 * 1024);
    }
}
