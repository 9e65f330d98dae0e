package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which unit owns a bundle when several units changed it, and what uninstalling each one undoes.
 * The records are files: every check also reads them back.
 */
class InstalledUnitsTest {

    @TempDir
    Path dir;

    private static final String X = "ota:x";
    private static final String Y = "ota:y";
    private static final String Z = "ota:z";

    /** A change of the bundle at {@code location} to {@code version}, replacing {@code previous} (null: new). */
    private static BundleChange change(String location, String version, String previous) {
        return new BundleChange(location, location.substring(4), version, "store/" + location + "-" + version + ".jar",
                previous, previous == null ? null : "store/" + location + "-" + previous + ".jar", previous != null);
    }

    private static InstalledUnits.Unit unit(String name, String version, long installedAt, BundleChange... changes) {
        return new InstalledUnits.Unit(name, version, "bundle", "sha-" + name + version, installedAt, installedAt,
                List.of(changes));
    }

    private InstalledUnits reopened() throws Exception {
        return new InstalledUnits(dir.resolve("installed.json"));
    }

    @Test
    void aBundleALaterUnitUpdatedIsLeftToItAndInheritsWhatTheFirstReplaced() throws Exception {
        InstalledUnits units = reopened();
        units.put(unit("a", "1", 100, change(X, "1", null), change(Y, "1", "0")));
        units.put(unit("b", "1", 200, change(X, "2", "1")));

        assertThat(reopened().changesToUndo("a")).as("x belongs to b now").containsExactly(change(Y, "1", "0"));
        assertThat(reopened().changesToUndo("b")).containsExactly(change(X, "2", "1"));

        units.remove("a");

        InstalledUnits after = reopened();
        assertThat(after.get("a")).isEmpty();
        assertThat(after.changesToUndo("b")).as("x did not exist before a: undoing b now removes it")
                .containsExactly(change(X, "2", null));
    }

    @Test
    void aChainOfOwnersHandsTheOriginalVersionAlong() throws Exception {
        InstalledUnits units = reopened();
        units.put(unit("a", "1", 100, change(X, "1", "0")));
        units.put(unit("b", "1", 200, change(X, "2", "1")));
        units.put(unit("c", "1", 300, change(X, "3", "2")));

        assertThat(units.changesToUndo("a")).isEmpty();
        assertThat(units.changesToUndo("b")).isEmpty();
        assertThat(units.changesToUndo("c")).containsExactly(change(X, "3", "2"));

        units.remove("a");
        assertThat(reopened().changesToUndo("c")).as("c still replaced b's jar").containsExactly(change(X, "3", "2"));
        units.remove("b");
        assertThat(reopened().changesToUndo("c")).as("with a and b gone, undoing c restores what a replaced")
                .containsExactly(change(X, "3", "0"));
    }

    @Test
    void uninstallingTheLatestUnitRestoresTheVersionOfTheUnitBeforeIt() throws Exception {
        InstalledUnits units = reopened();
        units.put(unit("a", "1", 100, change(X, "1", "0")));
        units.put(unit("b", "1", 200, change(X, "2", "1")));

        units.remove("b");

        assertThat(reopened().changesToUndo("a")).as("a owns x again").containsExactly(change(X, "1", "0"));
    }

    @Test
    void aNewVersionOfAUnitUndoesToWhatItsFirstVersionReplaced() throws Exception {
        InstalledUnits units = reopened();
        units.put(unit("a", "1", 100, change(X, "1", "0"), change(Y, "1", null)));
        units.put(unit("a", "2", 200, change(X, "2", "1"), change(Z, "2", null)));

        InstalledUnits after = reopened();
        assertThat(after.get("a")).get().extracting(InstalledUnits.Unit::version).isEqualTo("2");
        assertThat(after.changesToUndo("a")).as("y from version 1 first, then x back to 0, z removed")
                .containsExactly(change(Y, "1", null), change(X, "2", "0"), change(Z, "2", null));
    }

    @Test
    void aNewVersionOfAUnitLeavesWhatAnotherUnitTookOverInBetween() throws Exception {
        InstalledUnits units = reopened();
        units.put(unit("a", "1", 100, change(X, "1", "0")));
        units.put(unit("b", "1", 200, change(X, "2", "1")));
        units.put(unit("a", "2", 300, change(X, "3", "2")));

        InstalledUnits after = reopened();
        assertThat(after.changesToUndo("a")).as("a's version 2 replaced b's jar").containsExactly(change(X, "3", "2"));
        assertThat(after.get("b")).get().extracting(InstalledUnits.Unit::changes).asList()
                .as("b inherited what a's first version had replaced").containsExactly(change(X, "2", "0"));
        assertThat(after.changesToUndo("b")).as("but a owns x now").isEmpty();
    }

    @Test
    void aUnitNobodyInstalledHasNothingToUndo() throws Exception {
        assertThat(reopened().changesToUndo("nobody")).isEmpty();
    }
}
