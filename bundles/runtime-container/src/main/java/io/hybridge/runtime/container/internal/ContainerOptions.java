package io.hybridge.runtime.container.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.hybridge.api.workload.SpecProblem;

/**
 * The spec's {@code options} this runtime understands. Everything else in {@code options} is a
 * problem (a typo must not be silently ignored).
 *
 * <ul>
 * <li>{@code user}: the user the process runs as, {@code name|uid[:group|gid]} (e.g. {@code 10001:10001});
 *     default: the image's {@code USER}</li>
 * <li>{@code groupAdd}: extra groups, comma-separated names or ids (e.g. {@code 44} for a camera's
 *     {@code video} group, which a {@code FROM scratch} image's /etc/group does not know by name)</li>
 * <li>{@code shmSizeMiB}: size of /dev/shm in MiB, 1–65536; default: the engine's (64 MiB)</li>
 * </ul>
 */
final class ContainerOptions {

    static final String USER = "user";
    static final String GROUP_ADD = "groupAdd";
    static final String SHM_SIZE_MIB = "shmSizeMiB";
    static final List<String> KNOWN = List.of(USER, GROUP_ADD, SHM_SIZE_MIB);

    private static final Pattern USER_VALUE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?");
    private static final Pattern GROUP = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

    final String user;
    final List<String> groupAdd;
    final long shmSizeBytes;

    private ContainerOptions(String user, List<String> groupAdd, long shmSizeBytes) {
        this.user = user;
        this.groupAdd = groupAdd;
        this.shmSizeBytes = shmSizeBytes;
    }

    static List<SpecProblem> problems(Map<String, String> options) {
        List<SpecProblem> problems = new ArrayList<>();
        options.forEach((key, value) -> {
            String field = "options." + key;
            switch (key) {
                case USER:
                    if (!USER_VALUE.matcher(value).matches()) {
                        problems.add(new SpecProblem(field, "'" + value + "' is not a user; use name or uid, optionally :group or :gid, e.g. 10001:10001"));
                    }
                    break;
                case GROUP_ADD:
                    for (String group : groups(value)) {
                        if (!GROUP.matcher(group).matches()) {
                            problems.add(new SpecProblem(field, "'" + group + "' is not a group; use comma-separated group names or ids, e.g. 44,video"));
                        }
                    }
                    break;
                case SHM_SIZE_MIB:
                    long size = parseSize(value);
                    if (size < 1 || size > 65536) {
                        problems.add(new SpecProblem(field, "'" + value + "' is not a size; use a whole number of MiB from 1 to 65536"));
                    }
                    break;
                default:
                    problems.add(new SpecProblem(field, "unknown option of the container runtime; it knows " + String.join(", ", KNOWN)));
            }
        });
        return problems;
    }

    /** Reads options that passed {@link #problems}; anything else is ignored here. */
    static ContainerOptions of(Map<String, String> options) {
        String user = options.getOrDefault(USER, "");
        List<String> groups = options.containsKey(GROUP_ADD) ? groups(options.get(GROUP_ADD)) : List.of();
        long shm = parseSize(options.getOrDefault(SHM_SIZE_MIB, "0"));
        return new ContainerOptions(user, groups, Math.max(shm, 0) * 1024 * 1024);
    }

    private static List<String> groups(String value) {
        return Arrays.stream(value.split(",")).map(String::strip).filter(group -> !group.isEmpty()).toList();
    }

    private static long parseSize(String value) {
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
