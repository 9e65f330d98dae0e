package io.hybridge.config.internal;

import java.util.List;
import java.util.Objects;

/**
 * A requested factory configuration. Its PID is {@code <factoryPid>~<name>} (a named factory
 * configuration, stable across restarts and snapshots); {@code name} may be given bare or as
 * that whole PID.
 */
public record NewFactoryInstance(String factoryPid, String name, List<RequestedProperty> properties) {

    public NewFactoryInstance {
        Objects.requireNonNull(factoryPid, "factoryPid");
        Objects.requireNonNull(name, "name");
        properties = List.copyOf(properties);
    }
}
