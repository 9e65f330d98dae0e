package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * The deployment units this gateway installed over the air ({@code installed.json}): what
 * {@code GET/packages} lists, what the BIRTH's {@code deploy.packages} says, and for each unit
 * the bundle changes that undo it ({@code EXEC/uninstall}).
 */
final class InstalledUnits {

    /** One installed unit. */
    record Unit(String name, String version, String type, String sha256, long jobId, long installedAt,
            List<BundleChange> changes) {

        boolean installedAfter(Unit other) {
            return installedAt > other.installedAt || installedAt == other.installedAt && jobId > other.jobId;
        }

        /** This unit with its change of {@code earlier}'s bundle now undoing to what {@code earlier} replaced. */
        Unit inheriting(BundleChange earlier) {
            List<BundleChange> inherited = changes.stream()
                    .map(change -> change.location().equals(earlier.location()) ? change.replacing(earlier) : change)
                    .toList();
            return new Unit(name, version, type, sha256, jobId, installedAt, inherited);
        }

        /**
         * This version installed over an earlier one that still owned {@code earlierOwned}: bundles
         * both changed undo to what the earlier one replaced; bundles only the earlier one changed
         * are undone too (first, as they were switched first).
         */
        Unit succeeding(List<BundleChange> earlierOwned) {
            List<BundleChange> merged = new ArrayList<>();
            for (BundleChange old : earlierOwned) {
                if (changes.stream().noneMatch(change -> change.location().equals(old.location()))) {
                    merged.add(old);
                }
            }
            Unit result = new Unit(name, version, type, sha256, jobId, installedAt, changes);
            for (BundleChange old : earlierOwned) {
                result = result.inheriting(old);
            }
            merged.addAll(result.changes());
            return new Unit(name, version, type, sha256, jobId, installedAt, merged);
        }

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("name", name);
            map.put("version", version);
            map.put("type", type);
            map.put("sha256", sha256);
            map.put("jobId", jobId);
            map.put("installedAt", installedAt);
            map.put("changes", changes.stream().map(BundleChange::toMap).toList());
            return map;
        }

        @SuppressWarnings("unchecked")
        static Unit fromMap(Map<String, Object> map) {
            List<BundleChange> changes = new ArrayList<>();
            if (map.get("changes") instanceof List<?> list) {
                list.forEach(change -> changes.add(BundleChange.fromMap((Map<String, Object>) change)));
            }
            return new Unit(Job.string(map, "name"), Job.string(map, "version"), Job.string(map, "type"),
                    Job.string(map, "sha256"), Job.number(map, "jobId"), Job.number(map, "installedAt"), changes);
        }
    }

    private final Path file;
    private final Map<String, Unit> units = new TreeMap<>();

    InstalledUnits(Path file) throws IOException {
        this.file = file;
        if (Files.isRegularFile(file)) {
            for (Object entry : JSON.std.listFrom(Files.readString(file))) {
                @SuppressWarnings("unchecked")
                Unit unit = Unit.fromMap((Map<String, Object>) entry);
                units.put(unit.name(), unit);
            }
        }
    }

    synchronized List<Unit> all() {
        return List.copyOf(units.values());
    }

    synchronized Optional<Unit> get(String name) {
        return Optional.ofNullable(units.get(name));
    }

    /**
     * Records an installed unit. When it replaces an earlier version of itself, the bundles that
     * version still owned are undone with the new one: uninstalling the unit then restores what
     * was there before its first version, not the first version.
     */
    synchronized void put(Unit unit) throws IOException {
        Unit earlier = units.remove(unit.name());
        units.put(unit.name(), earlier == null ? unit : unit.succeeding(handOver(earlier)));
        save();
    }

    /**
     * What uninstalling {@code name} undoes: its bundle changes, except the bundles that a unit
     * installed after it changed again. Those belong to the later unit now; putting this unit's
     * "previous" jar back would take them away from it.
     */
    synchronized List<BundleChange> changesToUndo(String name) {
        Unit unit = units.get(name);
        if (unit == null) {
            return List.of();
        }
        return unit.changes().stream().filter(change -> nextOwner(unit, change.location()).isEmpty()).toList();
    }

    /**
     * Forgets an uninstalled unit. For each bundle a later unit took over, the next such unit
     * inherits what this one had replaced (jar, version, whether it was active, or that there was
     * nothing), so that uninstalling it later restores what was there before both.
     */
    synchronized void remove(String name) throws IOException {
        Unit unit = units.remove(name);
        if (unit != null) {
            handOver(unit);
            save();
        }
    }

    /**
     * Gives each bundle change of a unit leaving the records to the unit that took that bundle over
     * next, if any; returns the changes the leaving unit still owned.
     */
    private List<BundleChange> handOver(Unit leaving) {
        List<BundleChange> owned = new ArrayList<>();
        for (BundleChange change : leaving.changes()) {
            Optional<Unit> next = nextOwner(leaving, change.location());
            if (next.isPresent()) {
                units.put(next.get().name(), next.get().inheriting(change));
            } else {
                owned.add(change);
            }
        }
        return owned;
    }

    /** The unit installed soonest after {@code unit} that changed the bundle at {@code location} too. */
    private Optional<Unit> nextOwner(Unit unit, String location) {
        return units.values().stream()
                .filter(other -> !other.name().equals(unit.name()) && other.installedAfter(unit))
                .filter(other -> other.changes().stream().anyMatch(change -> change.location().equals(location)))
                .min(Comparator.comparingLong(Unit::installedAt).thenComparingLong(Unit::jobId));
    }

    /** {@code name@version} of every unit, sorted by name, comma-separated: the BIRTH's {@code deploy.packages}. */
    synchronized String inventory() {
        return String.join(",", units.values().stream().map(unit -> unit.name() + "@" + unit.version()).toList());
    }

    private void save() throws IOException {
        AtomicFiles.write(file, JSON.std.asString(units.values().stream().map(Unit::toMap).toList())
                .getBytes(StandardCharsets.UTF_8));
    }
}
