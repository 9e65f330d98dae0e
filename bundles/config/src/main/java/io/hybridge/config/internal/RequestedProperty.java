package io.hybridge.config.internal;

/**
 * One property as a request sends it: {@code "port": {"type": "INTEGER", "value": 1883}}.
 *
 * @param name         the property (attribute) id
 * @param declaredType the type the request names, or null when it names none
 * @param json         the JSON value (String, Number, Boolean or a List of them); null removes the property
 */
public record RequestedProperty(String name, PropertyType declaredType, Object json) {
}
