package io.hybridge.deploy.internal.ota;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One bundle a unit installs or updates, with what it replaces: the journal's record of how to
 * undo the switch. {@code previousJar} is {@code null} when the bundle is new (undo = uninstall).
 *
 * @param location        the bundle location in the framework
 * @param symbolicName    Bundle-SymbolicName of the new jar
 * @param version         Bundle-Version of the new jar
 * @param jar             the new jar in the unit store
 * @param previousVersion the version it replaces, or {@code null}
 * @param previousJar     a copy of the jar it replaces, in the unit store, or {@code null}
 * @param wasActive       whether the replaced bundle was active (it is started again on undo)
 */
record BundleChange(String location, String symbolicName, String version, String jar, String previousVersion,
        String previousJar, boolean wasActive) {

    boolean isNew() {
        return previousJar == null;
    }

    /** This change, undone to what {@code earlier} (an earlier change of the same bundle) replaced. */
    BundleChange replacing(BundleChange earlier) {
        return new BundleChange(location, symbolicName, version, jar, earlier.previousVersion, earlier.previousJar,
                earlier.wasActive);
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("location", location);
        map.put("symbolicName", symbolicName);
        map.put("version", version);
        map.put("jar", jar);
        if (previousJar != null) {
            map.put("previousVersion", previousVersion);
            map.put("previousJar", previousJar);
        }
        map.put("wasActive", wasActive);
        return map;
    }

    static BundleChange fromMap(Map<String, Object> map) {
        return new BundleChange(Job.string(map, "location"), Job.string(map, "symbolicName"), Job.string(map, "version"),
                Job.string(map, "jar"), Job.string(map, "previousVersion"), Job.string(map, "previousJar"),
                Boolean.TRUE.equals(map.get("wasActive")));
    }
}
