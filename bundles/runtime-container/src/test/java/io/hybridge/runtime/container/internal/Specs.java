package io.hybridge.runtime.container.internal;

import java.util.List;
import java.util.Map;

import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.BusAccess;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.Image;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.PullPolicy;
import io.hybridge.api.workload.WorkloadSpec.Resources;
import io.hybridge.api.workload.WorkloadSpec.Volume;

/** Builds specs for tests, field by field, on the spec's defaults. */
final class Specs {

    private String name = "demo";
    private RuntimeType runtime = RuntimeType.CONTAINER;
    private Image image = new Image("127.0.0.1:15000/hybridge-test/busybox:1", PullPolicy.IF_NOT_PRESENT, "");
    private List<String> command = List.of();
    private Resources resources = Resources.UNLIMITED;
    private Map<String, String> env = Map.of();
    private List<Port> ports = List.of();
    private List<Volume> volumes = List.of();
    private List<Device> devices = List.of();
    private String network = "bridge";
    private boolean readOnly;
    private BusAccess bus = BusAccess.NONE;
    private Map<String, String> options = Map.of();

    static Specs spec(String name) {
        Specs specs = new Specs();
        specs.name = name;
        return specs;
    }

    Specs runtime(RuntimeType value) {
        runtime = value;
        return this;
    }

    Specs image(String reference, PullPolicy policy, String archive) {
        image = new Image(reference, policy, archive);
        return this;
    }

    Specs image(String reference) {
        return image(reference, PullPolicy.IF_NOT_PRESENT, "");
    }

    Specs command(String... value) {
        command = List.of(value);
        return this;
    }

    Specs resources(double cpus, long memoryMiB, int pids) {
        resources = new Resources(cpus, memoryMiB, pids);
        return this;
    }

    Specs env(Map<String, String> value) {
        env = value;
        return this;
    }

    Specs ports(Port... value) {
        ports = List.of(value);
        return this;
    }

    Specs volumes(Volume... value) {
        volumes = List.of(value);
        return this;
    }

    Specs devices(Device... value) {
        devices = List.of(value);
        return this;
    }

    Specs network(String value) {
        network = value;
        return this;
    }

    Specs readOnly(boolean value) {
        readOnly = value;
        return this;
    }

    Specs bus(List<String> publish, List<String> subscribe) {
        bus = new BusAccess(publish, subscribe);
        return this;
    }

    Specs options(Map<String, String> value) {
        options = value;
        return this;
    }

    WorkloadSpec build() {
        return new WorkloadSpec(name, "", runtime, image, command, resources, env, ports, volumes, devices, network,
                readOnly, null, null, bus, 1, null, options);
    }
}
