package io.hybridge.runtime.unikernel.internal.image;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A unikernel image made present on the gateway: every blob verified against its digest and
 * kept in the content-addressed cache, so the paths stay valid while the image is in use.
 *
 * <p>Packaging follows urunc's convention ({@code com.urunc.unikernel.*} annotations on the
 * manifest, in the config labels or in {@code /urunc.json} of the layer); Hybridge's own
 * {@code io.hybridge.unikernel.*} annotations add what urunc leaves to its runtime (resources,
 * network, how configuration reaches the guest).
 *
 * @param reference      the reference as the spec names it (tag or digest)
 * @param manifestDigest {@code sha256:<hex>} of the image manifest
 * @param kernel         the kernel image file ({@code com.urunc.unikernel.binary})
 * @param initrd         the initial ramdisk ({@code com.urunc.unikernel.initrd}), if any
 * @param cmdline        the image's kernel command line ({@code com.urunc.unikernel.cmdline}), may be empty
 * @param unikernelType  {@code com.urunc.unikernel.unikernelType}: {@code linux}, {@code unikraft}, {@code rumprun}, ...
 * @param hypervisor     {@code com.urunc.unikernel.hypervisor}: {@code qemu}, {@code firecracker}, {@code hvt}, {@code spt}
 * @param vcpus          vCPUs the image asks for ({@code io.hybridge.unikernel.vcpus}), 0 when it does not say
 * @param memoryMiB      memory the image asks for ({@code io.hybridge.unikernel.memoryMiB}), 0 when it does not say
 * @param annotations    every annotation, for what the driver reads beyond these
 */
public record UnikernelImage(String reference, String manifestDigest, Path kernel, Optional<Path> initrd,
                             String cmdline, String unikernelType, String hypervisor, int vcpus, long memoryMiB,
                             Map<String, String> annotations) {
    public UnikernelImage {
        annotations = Map.copyOf(annotations);
        cmdline = cmdline == null ? "" : cmdline;
    }
}
