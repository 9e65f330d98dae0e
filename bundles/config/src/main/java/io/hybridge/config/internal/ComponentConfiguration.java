package io.hybridge.config.internal;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A configurable component as the wire shows it.
 *
 * @param pid        the PID (for a factory's definition alone: the factory PID)
 * @param factoryPid the factory PID of a factory configuration, else null
 * @param definition its Metatype, or null when not shown (snapshots)
 * @param properties its properties with their types, or null when not shown (definitions alone);
 *                   passwords are still in clear here: the wire writer masks them
 */
public record ComponentConfiguration(String pid, String factoryPid, ComponentDefinition definition,
                                     Map<String, TypedValue> properties) {

    public ComponentConfiguration {
        properties = properties == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }
}
