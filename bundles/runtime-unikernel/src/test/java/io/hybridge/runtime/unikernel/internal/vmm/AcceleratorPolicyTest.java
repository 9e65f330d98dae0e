package io.hybridge.runtime.unikernel.internal.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.runtime.unikernel.internal.vmm.AcceleratorPolicy.KvmVerdict;
import io.hybridge.runtime.unikernel.internal.vmm.AcceleratorPolicy.Mode;

class AcceleratorPolicyTest {

    static final EnumSet<Accelerator> BOTH = EnumSet.allOf(Accelerator.class);

    @TempDir
    Path dir;

    AcceleratorPolicy policy(Mode mode, boolean fallback, boolean kvmDevice, String bootId) throws Exception {
        Path kvm = dir.resolve(kvmDevice ? "kvm" : "no-kvm");
        if (kvmDevice) {
            Files.writeString(kvm, "");
        }
        return new AcceleratorPolicy(mode, fallback, Duration.ofSeconds(20), kvm, dir.resolve("verdict.properties"), bootId);
    }

    @Test
    void autoTriesKvmWhenTheDeviceOpensThenTcg() throws Exception {
        AcceleratorPolicy policy = policy(Mode.AUTO, true, true, "boot-1");
        assertEquals(List.of(Accelerator.KVM, Accelerator.TCG), policy.attempts(BOTH));
        assertTrue(policy.mustProve(Accelerator.KVM));
        assertFalse(policy.mustProve(Accelerator.TCG));
        assertEquals(List.of(Accelerator.TCG), policy(Mode.AUTO, true, false, "boot-1").attempts(BOTH));
        assertEquals(List.of(Accelerator.KVM), policy.attempts(EnumSet.of(Accelerator.KVM)), "Firecracker has no TCG");
    }

    @Test
    void aFailedKvmIsRememberedUntilTheHostReboots() throws Exception {
        AcceleratorPolicy policy = policy(Mode.AUTO, true, true, "boot-1");
        policy.kvmFailed("KVM present but the guest showed no sign of life in 20 s: KVM unusable here; falling back to TCG");
        assertEquals(List.of(Accelerator.TCG), policy.attempts(BOTH));
        AcceleratorPolicy restarted = policy(Mode.AUTO, true, true, "boot-1");
        assertEquals(KvmVerdict.UNUSABLE, restarted.verdict());
        assertTrue(restarted.describe().contains("no sign of life in 20 s"), restarted.describe());
        assertEquals(KvmVerdict.UNKNOWN, policy(Mode.AUTO, true, true, "boot-2").verdict(), "a reboot proves KVM again");
    }

    @Test
    void aProvenKvmIsNotWaitedForAgain() throws Exception {
        AcceleratorPolicy policy = policy(Mode.AUTO, true, true, "boot-1");
        policy.kvmWorked();
        assertFalse(policy.mustProve(Accelerator.KVM));
    }

    @Test
    void forcedModes() throws Exception {
        assertEquals(List.of(Accelerator.TCG), policy(Mode.TCG, true, true, "b").attempts(BOTH));
        assertEquals(List.of(Accelerator.KVM, Accelerator.TCG), policy(Mode.KVM, true, false, "b").attempts(BOTH));
        AcceleratorPolicy strict = policy(Mode.KVM, false, true, "b");
        strict.kvmFailed("broken");
        assertEquals(List.of(Accelerator.KVM), strict.attempts(BOTH), "no fallback: KVM it is, and it fails with its reason");
        assertThrows(IllegalArgumentException.class, () -> Mode.of("hvf"));
        assertEquals(Mode.KVM, Mode.of(" KVM "));
    }
}
