package io.hybridge.device.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.hybridge.api.device.DeviceProfile.Source;

/**
 * Decides which profile is active. A configured board lends its static facts (it is the
 * operator's statement about the hardware); a matched board lends name and accelerators
 * while cores and memory stay as detected, because that is what the gateway really gets
 * (cgroup limits included). Capabilities are always detected. Kept free of OSGi so that
 * every rule is a plain unit test.
 */
final class ProfileResolver {

    /** The {@code profile} value that asks for detection. */
    static final String AUTO = "auto";

    private ProfileResolver() {
    }

    /** Where the profile id was asked for when no setting names it, e.g. in a unit test. */
    static final String CONFIGURATION = "configuration " + ActiveDeviceProfile.PID + " (property profile)";

    static Resolution resolve(ProfileCatalog catalog, String requested, MachineFacts facts,
                              DetectedCapabilities capabilities) {
        return resolve(catalog, requested, CONFIGURATION, facts, capabilities);
    }

    /** @param requestedBy the setting that named {@code requested}, for the message when it is wrong */
    static Resolution resolve(ProfileCatalog catalog, String requested, String requestedBy, MachineFacts facts,
                              DetectedCapabilities capabilities) {
        List<String> errors = new ArrayList<>(catalog.problems());
        List<String> warnings = new ArrayList<>();
        String wanted = requested == null ? "" : requested.strip();

        ResolvedDeviceProfile profile = null;
        BoardProfile board = null;
        if (!wanted.isEmpty() && !wanted.equalsIgnoreCase(AUTO)) {
            Optional<BoardProfile> configured = catalog.find(wanted);
            if (configured.isPresent()) {
                board = configured.get();
                profile = configured(board, capabilities);
                if (!board.architecture().equals(facts.architecture())) {
                    warnings.add("Configured device profile '" + board.id() + "' is for " + board.architecture()
                            + " but this machine is " + facts.architecture()
                            + "; workload images are chosen for the wrong architecture. Set profile to auto or to a "
                            + facts.architecture() + " board.");
                }
            } else {
                errors.add("Unknown device profile '" + wanted + "' in " + requestedBy + "; known profiles: " + String.join(", ", catalog.ids())
                        + ". Using auto detection instead.");
            }
        }
        if (profile == null) {
            Optional<BoardProfile> matched = catalog.match(facts);
            board = matched.orElse(null);
            profile = matched.map(b -> matched(b, facts, capabilities)).orElseGet(() -> detected(facts, capabilities));
        }
        if (board != null && board.kvmExpected() && !capabilities.kvmUsable()) {
            warnings.add("Board " + board.id() + " normally has KVM, but /dev/kvm is missing or not readable and writable"
                    + " by the gateway's user; unikernels cannot use hardware virtualization. Check that the kernel"
                    + " has KVM and that the user may open /dev/kvm (usually the kvm group).");
        }
        return new Resolution(profile, errors, warnings);
    }

    private static ResolvedDeviceProfile configured(BoardProfile board, DetectedCapabilities capabilities) {
        return new ResolvedDeviceProfile(board.id(), board.name(), Source.CONFIGURED, board.architecture(),
                board.cpuCores(), board.memoryMiB(), board.accelerators(), capabilities);
    }

    private static ResolvedDeviceProfile matched(BoardProfile board, MachineFacts facts, DetectedCapabilities capabilities) {
        return new ResolvedDeviceProfile(board.id(), board.name(), Source.MATCHED, facts.architecture(),
                facts.cpuCores(), facts.availableMemoryMiB(), board.accelerators(), capabilities);
    }

    private static ResolvedDeviceProfile detected(MachineFacts facts, DetectedCapabilities capabilities) {
        String seen = firstNonEmpty(facts.deviceTreeModel(), facts.dmiProductName(), facts.cpuModel());
        String name = "Unknown " + facts.architecture() + " machine" + (seen.isEmpty() ? "" : " (" + seen + ")");
        return new ResolvedDeviceProfile("detected-" + facts.architecture(), name, Source.DETECTED,
                facts.architecture(), facts.cpuCores(), facts.availableMemoryMiB(), List.of(), capabilities);
    }

    private static String firstNonEmpty(String... values) {
        for (String value : values) {
            if (!value.isEmpty()) {
                return value;
            }
        }
        return "";
    }
}
