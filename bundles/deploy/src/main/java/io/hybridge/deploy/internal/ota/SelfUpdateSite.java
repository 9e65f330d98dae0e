package io.hybridge.deploy.internal.ota;

import java.nio.file.Path;
import java.util.Optional;

import org.osgi.framework.BundleContext;

/**
 * Where this gateway's self-update happens, from the framework properties the launcher sets:
 * the installation ({@code hybridge.home}), the slot files ({@code hybridge.selfupdate.dir}) and
 * the slot and version that run ({@code hybridge.slot}, {@code hybridge.version}). Absent when
 * the framework was not started by the Hybridge launcher (tests, an embedded framework): then
 * self-update units are refused.
 */
record SelfUpdateSite(SlotFiles slots, SelfUpdateStager stager, String runningSlot, String runningVersion) {

    static Optional<SelfUpdateSite> of(BundleContext context) {
        String dir = context.getProperty("hybridge.selfupdate.dir");
        String home = context.getProperty("hybridge.home");
        if (dir == null || dir.isBlank() || home == null || home.isBlank()) {
            return Optional.empty();
        }
        String slot = context.getProperty("hybridge.slot");
        String version = context.getProperty("hybridge.version");
        return Optional.of(new SelfUpdateSite(new SlotFiles(Path.of(dir)), new SelfUpdateStager(Path.of(home)),
                slot == null || slot.isBlank() ? "factory" : slot.strip(), version == null ? "" : version.strip()));
    }
}
