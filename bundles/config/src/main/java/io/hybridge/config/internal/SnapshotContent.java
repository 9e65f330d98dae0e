package io.hybridge.config.internal;

import java.util.Comparator;
import java.util.List;

/**
 * The configuration of every configurable component at one moment.
 *
 * @param factoryPids the factory PIDs that had Metatype then: rolling back deletes their
 *                    configurations that the snapshot does not hold (configurations of
 *                    factories installed later are left alone)
 * @param entries     one per configurable PID and per factory configuration, sorted by PID
 */
public record SnapshotContent(List<String> factoryPids, List<SnapshotEntry> entries) {

    public SnapshotContent {
        factoryPids = factoryPids.stream().sorted().distinct().toList();
        entries = entries.stream().sorted(Comparator.comparing(SnapshotEntry::pid)).toList();
    }

    /** A text that is equal for equal contents: how "has anything changed since?" is answered. */
    public String canonical() {
        return SnapshotJson.encode(null, this);
    }
}
