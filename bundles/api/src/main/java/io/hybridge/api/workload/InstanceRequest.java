package io.hybridge.api.workload;

import java.util.Objects;
import java.util.Optional;

/**
 * One instance the supervisor wants running.
 *
 * @param gatewayId identifies this gateway among others sharing an engine (lower-case letters,
 *                  digits, '-'; at most 32); the runtime marks the instance with it and
 *                  {@link WorkloadRuntime#instances(String)} returns only its own
 * @param spec      the validated spec
 * @param specHash  hash of the spec's canonical form; recorded on the instance so a later
 *                  reconcile can tell whether it drifted
 * @param replica   0-based replica index
 * @param bus       the instance's broker account, if the spec asks for bus access
 */
public record InstanceRequest(String gatewayId, WorkloadSpec spec, String specHash, int replica,
                              Optional<BusEndpoint> bus) {
    public InstanceRequest {
        Objects.requireNonNull(gatewayId, "gatewayId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(specHash, "specHash");
        bus = bus == null ? Optional.empty() : bus;
    }

    /**
     * The name the instance gets in the engine, {@code hb-<gateway>-<workload>-<replica>}: unique
     * per gateway, so two gateways sharing an engine never collide, and readable in {@code docker ps}.
     */
    public String instanceName() {
        return "hb-" + gatewayId + "-" + spec.name() + "-" + replica;
    }
}
