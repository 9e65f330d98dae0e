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

    @Test
    void imageGarbageCollectionKeepsWhatInstancesAndRecentPreparesUse() throws Exception {
        RuntimeSettings settings = new RuntimeSettings(true, AcceleratorPolicy.Mode.AUTO, true, Duration.ofSeconds(20), Optional.empty(),
                "host", 64, 256, 64, "", 1 << 20, "10.0.2.100", 1883, state, state.resolve("sockets"), "");
        java.util.List<java.util.Set<String>> collected = new java.util.ArrayList<>();
        io.hybridge.runtime.unikernel.internal.image.ImageStore store = new io.hybridge.runtime.unikernel.internal.image.ImageStore() {
            @Override
            public io.hybridge.runtime.unikernel.internal.image.UnikernelImage prepare(WorkloadSpec.Image image, boolean forcePull) {
                return new io.hybridge.runtime.unikernel.internal.image.UnikernelImage(image.reference(), "sha256:prepared",
                        state.resolve("k"), Optional.empty(), "", "linux", "qemu", 1, 256, Map.of());
            }

            @Override
            public Optional<io.hybridge.runtime.unikernel.internal.image.UnikernelImage> present(String reference) {
                return Optional.empty();
            }

            @Override
            public long collectGarbage(java.util.Set<String> inUse) {
                collected.add(java.util.Set.copyOf(inUse));
                return 0;
            }
        };
        UnikernelRuntime runtime = new UnikernelRuntime(settings, store);
        try {
            java.nio.file.Files.createDirectories(settings.instancesDir().resolve("hb-gw-old-0"));
            new io.hybridge.runtime.unikernel.internal.vmm.InstanceDir(settings.instancesDir().resolve("hb-gw-old-0"), settings.socketDir())
                    .writeManifest(Map.of("gateway", "gw", "imageDigest", "sha256:instance"));
            runtime.prepare(Specs.spec("fresh", Map.of()), false);

            runtime.collectImageGarbage();

            assertEquals(java.util.List.of(java.util.Set.of("sha256:prepared", "sha256:instance")), collected);
        } finally {
            runtime.deactivate();
        }
    }
}
