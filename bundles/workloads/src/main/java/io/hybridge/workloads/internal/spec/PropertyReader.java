package io.hybridge.workloads.internal.spec;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads configuration properties as Config Admin delivers them: tolerant of types (a number may
 * come as Integer, Long, Double or its text; a list as String[], a Collection or one String),
 * strict on values. Each problem names the property key, the value and what would be right.
 */
final class PropertyReader {

    /** Properties Config Admin, DS, FileInstall and Kura add; not part of the workload. */
    private static final List<String> FOREIGN_PREFIXES = List.of("service.", "component.", "felix.", "osgi.",
            "kura.", ".");

    private final Map<String, ?> properties;
    private final Problems problems;
    private final Set<String> known = new LinkedHashSet<>();

    /** One element of a list property, with its index in the property as configured. */
    record Element(int index, String text) {
    }

    PropertyReader(Map<String, ?> properties, Problems problems) {
        this.properties = properties;
        this.problems = problems;
    }

    Problems problems() {
        return problems;
    }

    Object value(String key) {
        known.add(key);
        return properties.get(key);
    }

    String text(String key, String absent) {
        Object value = single(key);
        return value == null ? absent : value.toString().trim();
    }

    int wholeInt(String key, int absent, String use) {
        return whole(key, use, Integer.MIN_VALUE, Integer.MAX_VALUE).map(Long::intValue).orElse(absent);
    }

    long wholeLong(String key, long absent, String use) {
        return whole(key, use, Long.MIN_VALUE, Long.MAX_VALUE).orElse(absent);
    }

    double decimal(String key, double absent, String use) {
        return number(key, use).map(BigDecimal::doubleValue).orElse(absent);
    }

    Duration seconds(String key, Duration absent, String use) {
        Optional<BigDecimal> seconds = number(key, use);
        if (seconds.isEmpty()) {
            return absent;
        }
        Optional<Duration> duration = Seconds.toDuration(seconds.get());
        if (duration.isEmpty()) {
            problems.add(key, Problems.show(value(key)) + " is more than a century; " + use);
        }
        return duration.orElse(absent);
    }

    boolean bool(String key, boolean absent) {
        Object value = single(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Boolean flag) {
            return flag;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        problems.add(key, Problems.show(value) + " is not true or false; use true or false");
        return absent;
    }

    <E> E choice(String key, E absent, E[] choices, Function<E, String> id, String what) {
        String text = text(key, null);
        if (text == null || text.isEmpty()) {
            return absent;
        }
        for (E choice : choices) {
            if (id.apply(choice).equals(text)) {
                return choice;
            }
        }
        List<String> names = Arrays.stream(choices).map(id).toList();
        problems.add(key, Problems.show(text) + " is not " + what + "; use " + Problems.alternatives(names)
                + ClosestName.suggestion(text, names));
        return absent;
    }

    /** The non-blank elements of a list property as configured (not trimmed), each with its index. */
    List<Element> elements(String key) {
        Object value = value(key);
        List<Element> elements = new ArrayList<>();
        List<Object> values = asList(value);
        for (int i = 0; i < values.size(); i++) {
            Object element = values.get(i);
            if (element != null && !element.toString().isBlank()) {
                elements.add(new Element(i, element.toString()));
            }
        }
        return elements;
    }

    List<String> strings(String key) {
        return elements(key).stream().map(Element::text).toList();
    }

    /** Problems for the keys nobody asked for (framework properties aside). Call after reading every key. */
    void rejectUnknown() {
        for (String key : properties.keySet()) {
            boolean foreign = FOREIGN_PREFIXES.stream().anyMatch(key::startsWith) || key.endsWith(".target");
            if (!foreign && !known.contains(key)) {
                problems.add(key, "not a workload property" + ClosestName.suggestion(key, known));
            }
        }
    }

    private Object single(String key) {
        Object value = value(key);
        List<Object> values = value instanceof String ? List.of(value) : asList(value);
        if (values.size() > 1) {
            problems.add(key, Problems.show(value) + " has " + values.size() + " values; use one");
            return null;
        }
        return values.isEmpty() ? null : values.get(0);
    }

    private Optional<BigDecimal> number(String key, String use) {
        Object value = single(key);
        if (value == null || value.toString().isBlank()) {
            return Optional.empty();
        }
        try {
            BigDecimal number = new BigDecimal(value.toString().trim());
            return Optional.of(number);
        } catch (NumberFormatException e) {
            problems.add(key, Problems.show(value) + " is not a number; " + use);
            return Optional.empty();
        }
    }

    private Optional<Long> whole(String key, String use, long min, long max) {
        Optional<BigDecimal> number = number(key, use);
        if (number.isEmpty()) {
            return Optional.empty();
        }
        try {
            BigInteger whole = number.get().toBigIntegerExact();
            if (whole.compareTo(BigInteger.valueOf(min)) >= 0 && whole.compareTo(BigInteger.valueOf(max)) <= 0) {
                return Optional.of(whole.longValue());
            }
            problems.add(key, Problems.show(value(key)) + " is out of range; " + use);
        } catch (ArithmeticException fraction) {
            problems.add(key, Problems.show(value(key)) + " is not a whole number; " + use);
        }
        return Optional.empty();
    }

    private static List<Object> asList(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Collection<?> collection) {
            return new ArrayList<>(collection);
        }
        if (value.getClass().isArray()) {
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                list.add(Array.get(value, i));
            }
            return list;
        }
        return List.of(value);
    }
}
