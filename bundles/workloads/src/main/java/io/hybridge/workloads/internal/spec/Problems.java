package io.hybridge.workloads.internal.spec;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;

/**
 * The problems found in one spec so far. Readers and the validator add to it instead of stopping
 * at the first, so a user fixes a spec in one round.
 */
final class Problems {

    private static final int LONGEST_SHOWN = 80;

    private final List<SpecProblem> found = new ArrayList<>();

    void add(String field, String message) {
        found.add(new SpecProblem(field, message));
    }

    /** Adds those of {@code more} whose field is not already {@link #covers covered}. */
    void addUncovered(List<SpecProblem> more) {
        List<SpecProblem> uncovered = more.stream().filter(problem -> !covers(problem.field())).toList();
        found.addAll(uncovered);
    }

    /**
     * Whether a problem was already found at {@code field} or at a field containing it, e.g. one
     * at {@code ports[1]} covers {@code ports[1].hostPort}. A reader that could not read a value put
     * a default in its place; the validator's opinion of that default would only confuse.
     */
    boolean covers(String field) {
        for (SpecProblem problem : found) {
            String known = problem.field();
            if (field.equals(known) || field.startsWith(known + ".") || field.startsWith(known + "[")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Puts the problems in the order of the fields they concern (a field ranks as the first of
     * {@code fieldOrder} it is or lies in), so a user reads them from the top of the document
     * down; problems of unlisted fields come last. Stable: one field's problems keep their order.
     */
    void order(List<String> fieldOrder) {
        found.sort(java.util.Comparator.comparingInt(problem -> rank(problem.field(), fieldOrder)));
    }

    private static int rank(String field, List<String> fieldOrder) {
        for (int i = 0; i < fieldOrder.size(); i++) {
            String known = fieldOrder.get(i);
            if (field.equals(known) || field.startsWith(known + ".") || field.startsWith(known + "[")) {
                return i;
            }
        }
        return fieldOrder.size();
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    List<SpecProblem> list() {
        return List.copyOf(found);
    }

    void throwIfAny(String what) throws InvalidSpecException {
        if (!found.isEmpty()) {
            throw new InvalidSpecException(what, found);
        }
    }

    /**
     * A value as a message shows it: strings quoted as in JSON, numbers plain, long text cut.
     * {@code "two"}, {@code -5}, {@code 0.5}, {@code true}, {@code {…}}, {@code […]}.
     */
    static String show(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String text) {
            String cut = text.length() > LONGEST_SHOWN ? text.substring(0, LONGEST_SHOWN) + "…" : text;
            return '"' + cut.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof Double number && number == Math.rint(number) && !Double.isInfinite(number)
                && Math.abs(number) < 1e15) {
            return BigDecimal.valueOf(number).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Map<?, ?>) {
            return "{…}";
        }
        if (value instanceof List<?> || value instanceof Object[]) {
            return "[…]";
        }
        return String.valueOf(value);
    }

    /** {@code a, b or c}. */
    static String alternatives(List<String> names) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            text.append(i == 0 ? "" : i == names.size() - 1 ? " or " : ", ").append(names.get(i));
        }
        return text.toString();
    }

    /** What kind of JSON value this is, for "… is a string; use …". */
    static String kind(Object value) {
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?> || value instanceof Object[]) {
            return "a list";
        }
        return value == null ? "null" : "a " + value.getClass().getSimpleName();
    }
}
