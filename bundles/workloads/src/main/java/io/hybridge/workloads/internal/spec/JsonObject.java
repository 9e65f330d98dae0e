package io.hybridge.workloads.internal.spec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One JSON object of a spec being read. Each getter takes the value of one key or, when the value
 * has the wrong type, records a problem naming its path, the value and what would be right, and
 * gives the default. Keys nobody asked for are reported by {@link #rejectUnknown()}, with the
 * nearest known key; keys starting with {@code $} ({@code $comment}) are the author's notes.
 * JSON {@code null} counts as absent.
 */
final class JsonObject {

    private final String path;
    private final Map<String, Object> values;
    private final Problems problems;
    private final Set<String> known = new LinkedHashSet<>();

    JsonObject(String path, Map<String, Object> values, Problems problems) {
        this.path = path;
        this.values = values;
        this.problems = problems;
    }

    String path(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    Problems problems() {
        return problems;
    }

    boolean has(String key) {
        known.add(key);
        return values.get(key) != null;
    }

    /** The raw value (String, Number, Boolean, Map, List), or null when absent. */
    Object value(String key) {
        known.add(key);
        return values.get(key);
    }

    String text(String key, String absent, String use) {
        Object value = value(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof String text) {
            return text;
        }
        wrongType(path(key), value, use);
        return absent;
    }

    boolean bool(String key, boolean absent) {
        Object value = value(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        wrongType(path(key), value, "use true or false");
        return absent;
    }

    int wholeInt(String key, int absent, String use) {
        return whole(key, use, Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue).orElse(absent);
    }

    long wholeLong(String key, long absent, String use) {
        return whole(key, use, Long.MIN_VALUE, Long.MAX_VALUE).orElse(absent);
    }

    /** A whole number that must be there: missing is a problem. */
    Optional<Integer> requiredInt(String key, String use) {
        if (!has(key)) {
            problems.add(path(key), "missing; " + use);
            return Optional.empty();
        }
        return whole(key, use, Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue);
    }

    double decimal(String key, double absent, String use) {
        Object value = value(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        wrongType(path(key), value, use);
        return absent;
    }

    /** Seconds, possibly fractional, as a duration. */
    Duration seconds(String key, Duration absent, String use) {
        Object value = value(key);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Number number)) {
            wrongType(path(key), value, use);
            return absent;
        }
        Optional<Duration> duration = Seconds.toDuration(new BigDecimal(number.toString()));
        if (duration.isEmpty()) {
            problems.add(path(key), Problems.show(value) + " is more than a century; " + use);
        }
        return duration.orElse(absent);
    }

    /** One of {@code choices}, by its id. */
    <E> E choice(String key, E absent, E[] choices, Function<E, String> id, String what) {
        List<String> names = Arrays.stream(choices).map(id).toList();
        String text = text(key, null, "use " + Problems.alternatives(names));
        if (text == null) {
            return absent;
        }
        for (E choice : choices) {
            if (id.apply(choice).equals(text)) {
                return choice;
            }
        }
        problems.add(path(key), Problems.show(text) + " is not " + what + "; use " + Problems.alternatives(names)
                + ClosestName.suggestion(text, names));
        return absent;
    }

    /** The list at {@code key}; empty when absent or not a list. */
    List<Object> list(String key, String use) {
        Object value = value(key);
        if (value == null) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return List.copyOf(list.stream().map(element -> element == null ? (Object) "" : element).toList());
        }
        wrongType(path(key), value, use);
        return List.of();
    }

    /** A list of strings; elements of another type are problems and left out. */
    List<String> strings(String key, String use) {
        List<Object> elements = list(key, use);
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            if (elements.get(i) instanceof String text) {
                strings.add(text);
            } else {
                wrongType(path(key) + "[" + i + "]", elements.get(i), "use a string");
            }
        }
        return strings;
    }

    /** The object at {@code key}, if there is one. */
    Optional<JsonObject> object(String key, String use) {
        Object value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> map) {
            return Optional.of(new JsonObject(path(key), cast(map), problems));
        }
        wrongType(path(key), value, use);
        return Optional.empty();
    }

    /** An object of string values ({@code env}, {@code options}); other values are problems and left out. */
    Map<String, String> stringMap(String key, String use) {
        Map<String, String> result = new LinkedHashMap<>();
        object(key, use).ifPresent(object -> object.values.forEach((name, value) -> {
            if (value instanceof String text) {
                result.put(name, text);
            } else {
                String hint = value instanceof Number || value instanceof Boolean
                        ? "use a string (\"" + Problems.show(value) + "\")" : "use a string";
                wrongType(object.path(name), value, hint);
            }
        }));
        return result;
    }

    /** Problems for the keys nobody asked for. Call after reading every key. */
    void rejectUnknown() {
        for (String key : values.keySet()) {
            if (!key.startsWith("$") && !known.contains(key)) {
                problems.add(path(key), "not a known field" + (known.isEmpty() ? "" : "; known here: "
                        + String.join(", ", known)) + ClosestName.suggestion(key, known));
            }
        }
    }

    void wrongType(String at, Object value, String use) {
        problems.add(at, Problems.show(value) + " is " + Problems.kind(value) + "; " + use);
    }

    private Optional<Long> whole(String key, String use, long min, long max) {
        Object value = value(key);
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Number number)) {
            wrongType(path(key), value, use);
            return Optional.empty();
        }
        BigDecimal decimal = new BigDecimal(number.toString());
        try {
            BigInteger whole = decimal.toBigIntegerExact();
            if (whole.compareTo(BigInteger.valueOf(min)) >= 0 && whole.compareTo(BigInteger.valueOf(max)) <= 0) {
                return Optional.of(whole.longValue());
            }
            problems.add(path(key), Problems.show(value) + " is out of range; " + use);
        } catch (ArithmeticException fraction) {
            problems.add(path(key), Problems.show(value) + " is not a whole number; " + use);
        }
        return Optional.empty();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
