package io.hybridge.config.internal;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One configuration property as Config Admin holds it — a scalar, an array or a collection —
 * with its wire type. The type is the Metatype attribute's when there is one, so a password
 * stays a {@link PropertyType#PASSWORD} even though Config Admin only sees a String.
 */
public record TypedValue(PropertyType type, Object value) {

    /** What goes on the wire instead of a password: Kura's placeholder, which an update may send back to keep it. */
    public static final String PASSWORD_PLACEHOLDER = "placeholder";

    public TypedValue {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    /** A value Config Admin holds, typed by its Java class. */
    public static TypedValue inferred(Object value) {
        PropertyType type = PropertyType.ofValue(value);
        return type == null ? null : new TypedValue(type, value);
    }

    public boolean isMultiValued() {
        return value.getClass().isArray() || value instanceof Collection;
    }

    public boolean isCollection() {
        return value instanceof Collection;
    }

    /** The values: one for a scalar, all elements (nulls included) for an array or a collection. */
    public List<Object> elements() {
        List<Object> elements = new ArrayList<>();
        if (value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                elements.add(Array.get(value, i));
            }
        } else if (value instanceof Collection<?> collection) {
            elements.addAll(collection);
        } else {
            elements.add(value);
        }
        return elements;
    }

    /** The value as JSON: a scalar, or a list for an array or a collection. */
    public Object toJson() {
        if (!isMultiValued()) {
            return PropertyType.toJson(value);
        }
        List<Object> json = new ArrayList<>();
        for (Object element : elements()) {
            json.add(element == null ? null : PropertyType.toJson(element));
        }
        return json;
    }

    /** This value for the wire: a password becomes the placeholder (element by element for a list). */
    public TypedValue masked() {
        if (type != PropertyType.PASSWORD) {
            return this;
        }
        if (!isMultiValued()) {
            return new TypedValue(type, PASSWORD_PLACEHOLDER);
        }
        List<Object> masked = new ArrayList<>();
        for (Object element : elements()) {
            masked.add(element == null ? null : PASSWORD_PLACEHOLDER);
        }
        return new TypedValue(type, isCollection() ? masked : masked.toArray(new String[0]));
    }

    /** Builds the Config Admin value from JSON elements already converted to this type's Java type. */
    public static Object containerOf(PropertyType type, List<Object> elements, boolean collection) {
        if (collection) {
            return new ArrayList<>(elements);
        }
        Object array = Array.newInstance(type.javaType(), elements.size());
        for (int i = 0; i < elements.size(); i++) {
            Array.set(array, i, elements.get(i));
        }
        return array;
    }
}
