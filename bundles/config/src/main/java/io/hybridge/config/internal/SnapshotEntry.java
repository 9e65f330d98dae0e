package io.hybridge.config.internal;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One configurable component in a snapshot.
 *
 * @param pid        the PID
 * @param factoryPid the factory PID of a factory configuration, else null
 * @param properties the properties exactly as Config Admin held them (without {@code service.pid}
 *                   and {@code service.factoryPid}), or null when the component had no
 *                   configuration: rolling back then deletes one made since
 */
public record SnapshotEntry(String pid, String factoryPid, Map<String, TypedValue> properties) {

    public SnapshotEntry {
        Objects.requireNonNull(pid, "pid");
        properties = properties == null ? null : Collections.unmodifiableMap(new TreeMap<>(properties));
    }
}
