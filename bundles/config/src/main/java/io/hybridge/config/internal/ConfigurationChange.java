package io.hybridge.config.internal;

import java.util.List;
import java.util.Objects;

/**
 * A requested change of one existing configurable component: the properties named are set
 * (or removed, when their value is null); the others keep their current values.
 */
public record ConfigurationChange(String pid, List<RequestedProperty> properties) {

    public ConfigurationChange {
        Objects.requireNonNull(pid, "pid");
        properties = List.copyOf(properties);
    }
}
