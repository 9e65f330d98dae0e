package io.hybridge.runtime.unikernel.internal.vmm;

import java.util.Locale;

/** How the VMM runs guest code: hardware virtualisation or QEMU's software emulation. */
public enum Accelerator {
    KVM, TCG;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
