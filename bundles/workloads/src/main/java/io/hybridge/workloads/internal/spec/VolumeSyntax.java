package io.hybridge.workloads.internal.spec;

import java.util.Locale;

import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

/**
 * The compact form of a mount: {@code tmpfs:/tmp[:size=16]}, {@code bind:/src:/dst[:ro]},
 * {@code volume:name:/dst[:ro]} (sizes in MiB; options after the target, separated by ':' or
 * ','). Used by the configuration property {@code volumes}; the JSON form accepts it too.
 */
final class VolumeSyntax {

    static final String FORM = "tmpfs:/target[:size=<MiB>], bind:/source:/target[:ro] or volume:name:/target[:ro]";

    private VolumeSyntax() {
    }

    /**
     * Reads the shape only; paths, names and sizes are the validator's.
     *
     * @throws IllegalArgumentException with a message naming the text and the form to use
     */
    static Volume parse(String text) {
        String[] parts = text.trim().split(":", -1);
        VolumeType type = type(text, parts[0]);
        int targetIndex = type == VolumeType.TMPFS ? 1 : 2;
        if (parts.length <= targetIndex) {
            throw wrong(text, type == VolumeType.TMPFS ? "no target" : "it needs a source and a target");
        }
        String source = type == VolumeType.TMPFS ? "" : parts[1];
        String target = parts[targetIndex];
        boolean readOnly = false;
        long sizeMiB = 0;
        for (int i = targetIndex + 1; i < parts.length; i++) {
            for (String option : parts[i].split(",", -1)) {
                if (option.equals("ro") || option.equals("rw")) {
                    readOnly = option.equals("ro");
                } else if (type == VolumeType.TMPFS && option.startsWith("size=") && option.substring(5).matches("[0-9]{1,12}")) {
                    sizeMiB = Long.parseLong(option.substring(5));
                } else {
                    throw wrong(text, "unknown option " + Problems.show(option) + "; options are ro"
                            + (type == VolumeType.TMPFS ? " and size=<MiB>" : ""));
                }
            }
        }
        return new Volume(type, source, target, readOnly, sizeMiB);
    }

    static String format(Volume volume) {
        StringBuilder text = new StringBuilder(volume.type().id());
        if (volume.type() != VolumeType.TMPFS) {
            text.append(':').append(volume.source());
        }
        text.append(':').append(volume.target());
        if (volume.sizeMiB() != 0) {
            text.append(":size=").append(volume.sizeMiB());
        }
        if (volume.readOnly()) {
            text.append(":ro");
        }
        return text.toString();
    }

    private static VolumeType type(String text, String id) {
        for (VolumeType type : VolumeType.values()) {
            if (type.id().equals(id.toLowerCase(Locale.ROOT))) {
                return type;
            }
        }
        throw wrong(text, "it starts with neither tmpfs, bind nor volume");
    }

    private static IllegalArgumentException wrong(String text, String why) {
        return new IllegalArgumentException(Problems.show(text) + " is not a mount (" + why + "); use " + FORM);
    }
}
