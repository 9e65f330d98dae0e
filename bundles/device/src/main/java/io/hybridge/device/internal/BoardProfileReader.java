package io.hybridge.device.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import com.fasterxml.jackson.jr.ob.JSON;

/**
 * Reads one profile file (schema: {@code device-profiles/README.md}). Operators write these
 * files by hand, so every error names the file, the field and what would be right. Unknown
 * fields are ignored for forward compatibility, except inside {@code match}, where a typo
 * would silently change which machines the board matches.
 */
final class BoardProfileReader {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern ARCHITECTURE = Pattern.compile("[a-z0-9_]+");
    /** jackson-jr: starts in a fraction of databind's time; a duplicate key is an error, not a silent overwrite. */
    private static final JSON JSON_READER = JSON.std.with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);

    private BoardProfileReader() {
    }

    static BoardProfile read(ProfileSource source) throws InvalidProfileException {
        Map<String, Object> root;
        try (InputStream in = source.open()) {
            root = JSON_READER.mapFrom(in);
        } catch (IOException e) {
            throw new InvalidProfileException(source.origin() + ": not a JSON object: " + e.getMessage(), e);
        }
        if (root == null) {
            throw new InvalidProfileException(source.origin() + ": not a JSON object");
        }
        return new Fields(source.origin(), "", root).toProfile();
    }

    /** One JSON object and its path in the file, with typed, validating getters. */
    private record Fields(String origin, String path, Map<String, Object> map) {

        BoardProfile toProfile() throws InvalidProfileException {
            String id = string("id");
            if (!ID.matcher(id).matches()) {
                throw invalid("id", "must be lower case letters, digits, '.', '_' or '-', e.g. raspberry-pi-4b-4gb, but is '" + id + "'");
            }
            String architecture = string("architecture");
            if (!ARCHITECTURE.matcher(architecture).matches()) {
                throw invalid("architecture", "must be a Linux architecture name such as aarch64 or x86_64, but is '" + architecture + "'");
            }
            Fields cpu = object("cpu", true);
            Fields runtime = object("runtime", false);
            validateStorage();
            return new BoardProfile(
                    id,
                    string("name"),
                    string("vendor"),
                    architecture,
                    cpu.string("model"),
                    (int) cpu.positive("cores", true, Integer.MAX_VALUE),
                    (int) cpu.positive("maxMHz", false, Integer.MAX_VALUE),
                    positive("memoryMiB", true, Long.MAX_VALUE),
                    accelerators(),
                    matchRules(),
                    runtime == null ? List.of() : runtime.strings("preferredRuntimes"),
                    runtime != null && runtime.bool("kvmExpected"),
                    origin);
        }

        private List<String> accelerators() throws InvalidProfileException {
            List<String> types = new ArrayList<>();
            List<Fields> entries = objects("accelerators");
            for (Fields accelerator : entries) {
                types.add(accelerator.string("type"));
            }
            return types;
        }

        private void validateStorage() throws InvalidProfileException {
            for (Fields storage : objects("storage")) {
                storage.string("kind");
            }
        }

        private MatchRules matchRules() throws InvalidProfileException {
            Fields match = object("match", false);
            if (match == null) {
                return MatchRules.NONE;
            }
            Set<String> unknown = new TreeSet<>(match.map.keySet());
            unknown.removeAll(MatchRules.KEYS);
            if (!unknown.isEmpty()) {
                throw invalid("match", "has unknown keys " + unknown + "; allowed are " + new TreeSet<>(MatchRules.KEYS));
            }
            long min = match.positive("minMemoryMiB", false, Long.MAX_VALUE);
            long max = match.positive("maxMemoryMiB", false, Long.MAX_VALUE);
            if (max > 0 && max < min) {
                throw invalid("match.maxMemoryMiB", "must not be below match.minMemoryMiB (" + min + ") but is " + max);
            }
            return new MatchRules(match.prefixes("deviceTreeModel"), match.prefixes("dmiProductName"),
                    match.prefixes("cpuModel"), min, max);
        }

        private String string(String key) throws InvalidProfileException {
            Object value = map.get(key);
            if (!(value instanceof String text) || text.isBlank()) {
                throw invalid(key, "must be a non-empty string" + but(value));
            }
            return text.strip();
        }

        private boolean bool(String key) throws InvalidProfileException {
            Object value = map.get(key);
            if (value == null) {
                return false;
            }
            if (!(value instanceof Boolean flag)) {
                throw invalid(key, "must be true or false" + but(value));
            }
            return flag;
        }

        /** A whole number from 1 to {@code max}; 0 when absent and not required. */
        private long positive(String key, boolean required, long max) throws InvalidProfileException {
            Object value = map.get(key);
            if (value == null && !required) {
                return 0;
            }
            if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1
                    || ((Number) value).longValue() > max) {
                throw invalid(key, "must be a whole number from 1 to " + max + but(value));
            }
            return ((Number) value).longValue();
        }

        private List<String> strings(String key) throws InvalidProfileException {
            List<String> result = new ArrayList<>();
            for (Object element : list(key)) {
                if (!(element instanceof String text) || text.isBlank()) {
                    throw invalid(key, "must be a list of non-empty strings" + but(element));
                }
                result.add(text.strip());
            }
            return result;
        }

        /** Prefixes are compared as they are: no stripping, because the machine's value is not stripped of inner text either. */
        private List<String> prefixes(String key) throws InvalidProfileException {
            List<String> result = new ArrayList<>();
            for (Object element : list(key)) {
                if (!(element instanceof String text) || text.isEmpty()) {
                    throw invalid(key, "must be a list of non-empty prefixes" + but(element));
                }
                result.add(text);
            }
            return result;
        }

        private List<?> list(String key) throws InvalidProfileException {
            Object value = map.get(key);
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List<?> list)) {
                throw invalid(key, "must be a list" + but(value));
            }
            return list;
        }

        private List<Fields> objects(String key) throws InvalidProfileException {
            List<Fields> result = new ArrayList<>();
            List<?> elements = list(key);
            for (int i = 0; i < elements.size(); i++) {
                result.add(asObject(key + "[" + i + "]", elements.get(i)));
            }
            return result;
        }

        private Fields object(String key, boolean required) throws InvalidProfileException {
            Object value = map.get(key);
            if (value == null && !required) {
                return null;
            }
            return asObject(key, value);
        }

        @SuppressWarnings("unchecked")
        private Fields asObject(String key, Object value) throws InvalidProfileException {
            if (!(value instanceof Map)) {
                throw invalid(key, "must be an object" + but(value));
            }
            return new Fields(origin, path + key + ".", (Map<String, Object>) value);
        }

        private InvalidProfileException invalid(String key, String problem) {
            return new InvalidProfileException(origin + ": " + path + key + " " + problem);
        }

        private static String but(Object value) {
            return value == null ? " but is missing" : " but is " + value;
        }
    }
}
