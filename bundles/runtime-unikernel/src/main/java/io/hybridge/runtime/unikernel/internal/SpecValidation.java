package io.hybridge.runtime.unikernel.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.runtime.unikernel.internal.vmm.KernelCommandLine;

/**
 * What a microVM cannot do of a spec that is valid in general. A microVM here has one network
 * path (the forward to the broker), no host mounts or devices, no process-level knobs inside the
 * guest, and its command is its image's kernel command line.
 */
final class SpecValidation {

    /** Spec options this runtime reads. */
    static final String HYPERVISOR_OPTION = "unikernel.hypervisor";
    static final Set<String> HYPERVISORS = Set.of("qemu", "firecracker", "hvt", "spt");

    private SpecValidation() {
    }

    /**
     * @param deviceMemoryBytes MemTotal, 0 when unknown
     * @param deviceCpus        the device's CPUs
     */
    static List<SpecProblem> problems(WorkloadSpec spec, long deviceMemoryBytes, int deviceCpus) {
        List<SpecProblem> problems = new ArrayList<>();
        if (spec.runtime() != RuntimeType.UNIKERNEL) {
            problems.add(new SpecProblem("runtime", "'" + spec.runtime().id() + "' is not the unikernel runtime's; use unikernel"));
        }
        if (!spec.command().isEmpty()) {
            problems.add(new SpecProblem("command", "a microVM boots its image's kernel command line and has no command to replace;"
                    + " remove command and pass settings as env"));
        }
        for (int i = 0; i < spec.ports().size(); i++) {
            problems.add(new SpecProblem("ports[" + i + "]", "a microVM publishes no ports (its only network path is the forward to the"
                    + " gateway's broker); remove the port, or run the workload as a container"));
        }
        for (int i = 0; i < spec.volumes().size(); i++) {
            problems.add(new SpecProblem("volumes[" + i + "]", "a microVM mounts nothing of the host; put the data in the image or"
                    + " exchange it over the bus, or run the workload as a container"));
        }
        for (int i = 0; i < spec.devices().size(); i++) {
            problems.add(new SpecProblem("devices[" + i + "]", "host devices are not passed through to microVMs; remove "
                    + spec.devices().get(i).hostPath() + ", or run the workload as a container"));
        }
        switch (spec.network()) {
            case "bridge", "none" -> {
            }
            case "host" -> problems.add(new SpecProblem("network", "a microVM cannot share the host's network; use bridge (the guest"
                    + " reaches only the gateway's broker) or none"));
            default -> problems.add(new SpecProblem("network", "'" + spec.network() + "' is not a network of the unikernel runtime;"
                    + " use bridge or none"));
        }
        if (!spec.bus().isEmpty() && "none".equals(spec.network())) {
            problems.add(new SpecProblem("bus", "bus access needs the guest's forward to the broker, but network is none; use network"
                    + " bridge, or leave bus empty"));
        }
        if (spec.resources().pids() > 0) {
            problems.add(new SpecProblem("resources.pids", "the processes inside a microVM are its guest kernel's; a pid limit cannot be"
                    + " applied; use 0"));
        }
        long memoryMiB = spec.resources().memoryMiB();
        if (deviceMemoryBytes > 0 && memoryMiB * 1024 * 1024 > deviceMemoryBytes) {
            problems.add(new SpecProblem("resources.memoryMiB", memoryMiB + " MiB is more than the device's memory ("
                    + deviceMemoryBytes / (1024 * 1024) + " MiB); ask for less"));
        }
        if (deviceCpus > 0 && spec.resources().cpus() > deviceCpus) {
            problems.add(new SpecProblem("resources.cpus", spec.resources().cpus() + " is more than the device's " + deviceCpus
                    + " CPUs; ask for at most " + deviceCpus));
        }
        if (spec.healthCheck().type() == WorkloadSpec.HealthCheckType.TCP) {
            problems.add(new SpecProblem("healthCheck.type", "tcp needs a published port, which a microVM does not have; use"
                    + " mqtt-heartbeat or process"));
        }
        spec.env().forEach((name, value) -> {
            if (value.indexOf('"') >= 0 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                problems.add(new SpecProblem("env." + name, "a microVM's environment travels on its kernel command line, which cannot"
                        + " carry a double quote or a control character; remove them from the value"));
            }
        });
        int envBytes = spec.env().entrySet().stream().mapToInt(e -> "hybridge.env.".length() + e.getKey().length()
                + e.getValue().length() + 4).sum();
        if (envBytes > KernelCommandLine.MAX_BYTES) {
            problems.add(new SpecProblem("env", "the variables alone take " + envBytes + " bytes of the kernel command line, which"
                    + " holds " + KernelCommandLine.MAX_BYTES + "; shorten them"));
        }
        spec.options().forEach((key, value) -> {
            if (!key.equals(HYPERVISOR_OPTION)) {
                problems.add(new SpecProblem("options." + key, "not an option of the unikernel runtime; it knows " + HYPERVISOR_OPTION));
            } else if (!HYPERVISORS.contains(value)) {
                problems.add(new SpecProblem("options." + key, "'" + value + "': use qemu, firecracker, hvt or spt"));
            }
        });
        return problems;
    }
}
