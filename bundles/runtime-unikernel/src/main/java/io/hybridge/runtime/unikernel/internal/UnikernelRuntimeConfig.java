package io.hybridge.runtime.unikernel.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration {@value UnikernelRuntime#PID}; read into {@link RuntimeSettings}. */
@ObjectClassDefinition(name = "Hybridge unikernel runtime",
        description = "Runs unikernel workloads as microVMs (QEMU microvm; Firecracker and Solo5 when installed).")
@interface UnikernelRuntimeConfig {

    @AttributeDefinition(name = "Enabled", description = "Switch the unikernel runtime off: unikernel workloads wait as engine-unavailable.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Accelerator", options = {
            @org.osgi.service.metatype.annotations.Option(value = "auto", label = "auto: KVM when it proves to work, else TCG"),
            @org.osgi.service.metatype.annotations.Option(value = "kvm", label = "kvm"),
            @org.osgi.service.metatype.annotations.Option(value = "tcg", label = "tcg (software emulation)")},
            description = "auto tries KVM when /dev/kvm can be opened and remembers whether a guest came up under it.")
    String accelerator() default "auto";

    @AttributeDefinition(name = "Fall back to TCG", description = "When KVM fails (the VMM errors, or the guest shows no sign of life"
            + " within the readiness deadline), start the guest again under TCG.")
    boolean allowTcgFallback() default true;

    @AttributeDefinition(name = "Readiness deadline (s)", min = "1", max = "600",
            description = "How long a guest under an unproven KVM may take to print its first console line (or the image's ready line).")
    int readinessDeadlineSeconds() default 20;

    @AttributeDefinition(name = "QEMU binary", required = false, description = "Path of qemu-system-x86_64; empty: looked up on the PATH.")
    String qemuBinary() default "";

    @AttributeDefinition(name = "KVM CPU model", description = "QEMU -cpu under KVM.")
    String kvmCpuModel() default "host";

    @AttributeDefinition(name = "TCG translation cache (MiB)", min = "8", max = "1024",
            description = "QEMU's tb-size under TCG; bounds what QEMU itself uses beside the guest's memory.")
    int tcgTranslationCacheMiB() default 64;

    @AttributeDefinition(name = "Default registry", required = false,
            description = "host[:port] of the unikernel hub for image references that name no registry. Empty: such"
                    + " references are only looked up in the gateway's image cache or loaded from image.archive,"
                    + " never pulled (and never from a public registry).")
    String defaultRegistry() default "";

    @AttributeDefinition(name = "Default memory (MiB)", min = "16",
            description = "Guest memory when neither the spec (resources.memoryMiB) nor the image says.")
    long defaultMemoryMiB() default 256;

    @AttributeDefinition(name = "VMM overhead (MiB)", min = "0",
            description = "Added to the guest's memory for the cgroup limit of the VMM process (QEMU's own heap and"
                    + " devices; under TCG the translation cache is added on top).")
    long vmmOverheadMiB() default 64;

    @AttributeDefinition(name = "Cgroup parent", required = false,
            description = "Parent of the per-VM cgroups inside each hierarchy; {self} stands for the gateway's own cgroup."
                    + " Empty: no cgroups.")
    String cgroupParent() default "hybridge-vms";

    @AttributeDefinition(name = "Console log bound (KiB)", min = "16",
            description = "console.log is copied to console.log.1 and truncated past this size.")
    int consoleLogMaxKiB() default 1024;

    @AttributeDefinition(name = "Broker address in the guest", description = "host:port the guest's user network forwards to the local broker.")
    String guestBrokerAddress() default "10.0.2.100:1883";

    @AttributeDefinition(name = "State directory", required = false,
            description = "Where instance directories live; empty: ${hybridge.var}/unikernel, else the bundle's data area.")
    String stateDir() default "";

    @AttributeDefinition(name = "Socket directory", required = false,
            description = "Where the VMMs' control and QMP sockets live (paths must stay short); empty: /run/hybridge-vmm, or"
                    + " <tmpdir>/hybridge-vmm when /run is not writable.")
    String socketDir() default "";
}
