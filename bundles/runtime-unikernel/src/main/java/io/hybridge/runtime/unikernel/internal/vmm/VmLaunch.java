package io.hybridge.runtime.unikernel.internal.vmm;

import java.util.Objects;
import java.util.Optional;

import io.hybridge.runtime.unikernel.internal.image.UnikernelImage;

/**
 * Everything a driver needs to boot one microVM.
 *
 * @param name        the instance name (also the VMM's guest name, so {@code ps} shows it)
 * @param image       kernel, initrd and the image's annotations
 * @param vcpus       virtual CPUs, at least 1
 * @param memoryMiB   guest memory
 * @param accelerator KVM or TCG
 * @param cmdline     the complete kernel command line (image's, accelerator's, environment)
 * @param network     the broker forward, or empty for a guest without network
 * @param dir         the instance's state directory (console, sockets, pid file)
 */
public record VmLaunch(String name, UnikernelImage image, int vcpus, long memoryMiB, Accelerator accelerator,
                       String cmdline, Optional<VmNetwork> network, InstanceDir dir) {
    public VmLaunch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(accelerator, "accelerator");
        network = network == null ? Optional.empty() : network;
        if (vcpus < 1 || memoryMiB < 1) {
            throw new IllegalArgumentException("vcpus " + vcpus + " and memoryMiB " + memoryMiB + " must be at least 1");
        }
    }
}
