package io.hybridge.config.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * What Metatype allows for one attribute — type, cardinality, range, options, required — and
 * the conversion of a requested JSON value into the value Config Admin will store. Every
 * refusal is one message naming the PID, the attribute, the value and what is allowed:
 * {@code io.hybridge.broker: port = "abc" is not an Integer; expected an integer in 1..65535}.
 * Passwords are never echoed in a message.
 */
final class AttributeRule {

    private static final int MAX_SHOWN = 80;

    private final AttributeDefinition ad;
    private final boolean required;
    private final PropertyType type;
    private final int cardinality;
    private final BigDecimal min;
    private final BigDecimal max;
    private final List<Object> options = new ArrayList<>();
    private final List<String> optionTexts = new ArrayList<>();

    AttributeRule(AttributeDefinition ad, boolean required, ComponentDefinition.Bounds bounds) {
        this.ad = ad;
        this.required = required;
        this.type = PropertyType.ofAttribute(ad);
        this.cardinality = ad.getCardinality();
        this.min = bound(bounds.min());
        this.max = bound(bounds.max());
        String[] values = ad.getOptionValues();
        if (values != null) {
            for (String option : values) {
                optionTexts.add(option);
                options.add(convertOrText(option));
            }
        }
    }

    String id() {
        return ad.getID();
    }

    PropertyType type() {
        return type;
    }

    boolean required() {
        return required;
    }

    boolean multiValued() {
        return cardinality != 0;
    }

    /** The most values a list may have, or null when it is unbounded. */
    Integer maxCount() {
        if (cardinality == 0) {
            return 1;
        }
        if (cardinality == Integer.MAX_VALUE || cardinality == Integer.MIN_VALUE) {
            return null;
        }
        return Math.abs(cardinality);
    }

    /** What a valid value looks like, for messages: "an integer in 1..65535". */
    String expectation() {
        if (!multiValued()) {
            return elementExpectation();
        }
        Integer most = maxCount();
        return "a list of " + (most == null ? "" : "at most " + most + " ") + "values, each " + elementExpectation();
    }

    String elementExpectation() {
        if (!options.isEmpty()) {
            List<String> quoted = new ArrayList<>();
            optionTexts.forEach(o -> quoted.add(type.isText() || type == PropertyType.CHAR ? quote(o) : o));
            return "one of " + String.join(", ", quoted);
        }
        return switch (type) {
            case STRING -> "a string" + lengthRange();
            case PASSWORD -> "a password" + lengthRange();
            case CHAR -> "a single character";
            case BOOLEAN -> "true or false";
            case DOUBLE, FLOAT -> "a number" + numericRange(null, null);
            case SHORT -> "an integer" + numericRange(Short.MIN_VALUE, Short.MAX_VALUE);
            case BYTE -> "an integer" + numericRange(Byte.MIN_VALUE, Byte.MAX_VALUE);
            case INTEGER -> "an integer" + numericRange(Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG -> "an integer" + numericRange(null, null);
        };
    }

    /** The Metatype default as the Java value Config Admin would hold, or null when there is none (or it is unusable). */
    Object defaultValue() {
        String[] defaults = ad.getDefaultValue();
        if (defaults == null) {
            return null;
        }
        try {
            if (!multiValued()) {
                return defaults.length == 0 ? null : type.fromJson(defaults[0]);
            }
            List<Object> values = new ArrayList<>();
            for (String d : defaults) {
                if (!(d == null || d.isEmpty())) {
                    values.add(type.fromJson(d));
                }
            }
            return TypedValue.containerOf(type, values, cardinality < 0);
        } catch (IllegalArgumentException unusable) {
            return null;
        }
    }

    /**
     * Converts and checks one requested property.
     *
     * @param current the value stored now (for a password placeholder), or null
     * @return the value to store, or null to remove the property (or when a problem was added)
     */
    Object accept(String pid, RequestedProperty requested, Object current, List<String> problems) {
        String where = pid + ": " + id();
        PropertyType declared = requested.declaredType();
        if (declared != null && declared != type && !(declared == PropertyType.STRING && type == PropertyType.PASSWORD)) {
            problems.add(where + " is declared as " + declared + ", but the attribute is " + type
                    + "; expected " + expectation());
            return null;
        }
        Object json = requested.json();
        if (json == null) {
            if (required()) {
                problems.add(where + " is required and cannot be removed; expected " + expectation());
            }
            return null;
        }
        if (!multiValued()) {
            if (json instanceof List<?>) {
                problems.add(where + " = " + show(json) + " is a list; expected a single value, " + expectation());
                return null;
            }
            return acceptElement(where, json, current, problems);
        }
        List<?> elements = json instanceof List<?> list ? list : List.of(json);
        Integer most = maxCount();
        if (most != null && elements.size() > most) {
            problems.add(where + " has " + elements.size() + " values; expected " + expectation());
            return null;
        }
        List<Object> currentElements = current == null ? List.of() : new TypedValue(type, current).elements();
        List<Object> converted = new ArrayList<>();
        int before = problems.size();
        for (int i = 0; i < elements.size(); i++) {
            Object element = elements.get(i);
            String at = where + "[" + i + "]";
            if (element == null) {
                problems.add(at + " is null; expected " + elementExpectation());
                continue;
            }
            Object stored = i < currentElements.size() ? currentElements.get(i) : null;
            converted.add(acceptElement(at, element, stored, problems));
        }
        return problems.size() > before ? null : TypedValue.containerOf(type, converted, cardinality < 0);
    }

    private Object acceptElement(String where, Object json, Object current, List<String> problems) {
        if (type == PropertyType.PASSWORD && TypedValue.PASSWORD_PLACEHOLDER.equals(json)) {
            if (current instanceof String stored) {
                return stored; // the client sent back what it was shown: keep the password
            }
            problems.add(where + " = " + TypedValue.PASSWORD_PLACEHOLDER + " keeps the stored password, but none is"
                    + " stored; send the password itself");
            return null;
        }
        Object value;
        try {
            value = type.fromJson(json);
        } catch (IllegalArgumentException e) {
            problems.add(where + " = " + show(json) + " is not " + type.withArticle() + "; expected " + elementExpectation());
            return null;
        }
        String outOfRange = rangeProblem(value);
        if (outOfRange != null) {
            problems.add(where + " = " + show(json) + " " + outOfRange + "; expected " + elementExpectation());
            return null;
        }
        if (!options.isEmpty() && options.stream().noneMatch(o -> Objects.equals(o, value))) {
            problems.add(where + " = " + show(json) + " is not an allowed value; expected " + elementExpectation());
            return null;
        }
        // The attribute's own validation last: a MetaTypeProvider may check more than Metatype can say
        String refusal = ownValidation(json);
        if (refusal != null) {
            problems.add(where + " = " + show(json) + " is refused (" + refusal + "); expected " + elementExpectation());
            return null;
        }
        return value;
    }

    private String ownValidation(Object json) {
        String text = json.toString().replace(",", "\\,"); // validate() reads a list as comma-separated
        String result;
        try {
            result = ad.validate(text);
        } catch (RuntimeException e) {
            return null; // a broken validator is no reason to refuse a value that passed every rule above
        }
        if (result == null || result.isEmpty()) {
            return null;
        }
        return result.startsWith("%") ? result.substring(1) : result;
    }

    private String rangeProblem(Object value) {
        if (min == null && max == null) {
            return null;
        }
        if (type.isText()) {
            int length = ((String) value).length();
            if (min != null && length < min.intValue()) {
                return "is too short (" + length + " characters)";
            }
            if (max != null && length > max.intValue()) {
                return "is too long (" + length + " characters)";
            }
            return null;
        }
        if (!type.isNumeric()) {
            return null;
        }
        Number number = (Number) value;
        if ((number instanceof Double d && !Double.isFinite(d)) || (number instanceof Float f && !Float.isFinite(f))) {
            return "is out of range";
        }
        BigDecimal decimal = number instanceof Double || number instanceof Float
                ? new BigDecimal(number.toString()) : BigDecimal.valueOf(number.longValue());
        if ((min != null && decimal.compareTo(min) < 0) || (max != null && decimal.compareTo(max) > 0)) {
            return "is out of range";
        }
        return null;
    }

    private BigDecimal bound(String text) {
        if (text == null || text.isBlank() || !(type.isNumeric() || type.isText())) {
            return null;
        }
        try {
            return new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            return null; // a bound Metatype cannot express is no bound
        }
    }

    private String numericRange(Number naturalMin, Number naturalMax) {
        String lo = min != null ? min.toPlainString() : null;
        String hi = max != null ? max.toPlainString() : null;
        if (lo == null && hi == null && naturalMin != null && (type == PropertyType.SHORT || type == PropertyType.BYTE)) {
            lo = naturalMin.toString();
            hi = naturalMax.toString();
        }
        if (lo != null && hi != null) {
            return " in " + lo + ".." + hi;
        }
        if (lo != null) {
            return " >= " + lo;
        }
        return hi != null ? " <= " + hi : "";
    }

    private String lengthRange() {
        if (min != null && max != null) {
            return " of " + min.intValue() + ".." + max.intValue() + " characters";
        }
        if (min != null) {
            return " of at least " + min.intValue() + " characters";
        }
        return max != null ? " of at most " + max.intValue() + " characters" : "";
    }

    private Object convertOrText(String option) {
        try {
            return type.fromJson(option);
        } catch (IllegalArgumentException e) {
            return option;
        }
    }

    /** A requested value for a message; never a password. */
    private String show(Object json) {
        if (type == PropertyType.PASSWORD) {
            return "(hidden)";
        }
        String shown;
        if (json instanceof String s) {
            shown = quote(s);
        } else if (json instanceof List<?> list) {
            List<String> parts = new ArrayList<>();
            list.forEach(e -> parts.add(e instanceof String s ? quote(s) : String.valueOf(e)));
            shown = "[" + String.join(", ", parts) + "]";
        } else {
            shown = String.valueOf(json);
        }
        return shown.length() > MAX_SHOWN ? shown.substring(0, MAX_SHOWN) + "…" : shown;
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
