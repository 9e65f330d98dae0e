package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

    synchronized void put(Unit unit) throws IOException {
        units.put(unit.name(), unit);
        save();
    }

    synchronized void remove(String name) throws IOException {
        if (units.remove(name) != null) {
            save();
        }
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
