package io.hybridge.workloads.internal.spec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the JSON-form field paths the validator reports into the configuration's property keys,
 * so a problem with a configuration names what the operator sees in the form:
 * {@code resources.memoryMiB} is {@code memoryMiB}, {@code ports[1].hostPort} is {@code ports[1]}
 * (the index as configured), {@code env.LEVEL} is {@code env[2]}.
 */
final class PropertyKeys {

    private static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("image.reference", "image"),
            Map.entry("resources.cpus", "cpus"),
            Map.entry("resources.memoryMiB", "memoryMiB"),
            Map.entry("resources.pids", "pids"),
            Map.entry("restartPolicy.mode", "restart.mode"),
            Map.entry("restartPolicy.backoff.initialSeconds", "restart.initialBackoffSeconds"),
            Map.entry("restartPolicy.backoff.maxSeconds", "restart.maxBackoffSeconds"),
            Map.entry("restartPolicy.backoff.multiplier", "restart.multiplier"),
            Map.entry("restartPolicy.crashLoopLimit", "restart.crashLoopLimit"),
            Map.entry("restartPolicy.stableAfterSeconds", "restart.stableAfterSeconds"));
    private static final Pattern LIST_ELEMENT = Pattern.compile("(ports|volumes|devices|command|bus\\.publish|bus\\.subscribe)"
            + "\\[(\\d+)\\].*");
    private static final Pattern MAP_ENTRY = Pattern.compile("(env|options)\\.(.*)");

    /** Per list property, the index as configured of each element in the spec's list. */
    private final Map<String, List<Integer>> listIndexes = new HashMap<>();
    /** Per map property (env, options), the index as configured of each key. */
    private final Map<String, Map<String, Integer>> entryIndexes = new HashMap<>();

    void listIndexes(String key, List<Integer> configuredIndexes) {
        listIndexes.put(key, configuredIndexes);
    }

    void entryIndexes(String key, Map<String, Integer> configuredIndexes) {
        entryIndexes.put(key, configuredIndexes);
    }

    String keyOf(String field) {
        String renamed = RENAMED.get(field);
        if (renamed != null) {
            return renamed;
        }
        if (field.startsWith("healthCheck.")) {
            return "health." + field.substring("healthCheck.".length());
        }
        Matcher element = LIST_ELEMENT.matcher(field);
        if (element.matches()) {
            List<Integer> indexes = listIndexes.getOrDefault(element.group(1), List.of());
            int index = Integer.parseInt(element.group(2));
            return element.group(1) + "[" + (index < indexes.size() ? indexes.get(index) : index) + "]";
        }
        Matcher entry = MAP_ENTRY.matcher(field);
        if (entry.matches()) {
            Integer index = entryIndexes.getOrDefault(entry.group(1), Map.of()).get(entry.group(2));
            return index == null ? entry.group(1) : entry.group(1) + "[" + index + "]";
        }
        return field;
    }
}
