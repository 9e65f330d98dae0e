package io.hybridge.config.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.metatype.AttributeDefinition;

/**
 * Works out the properties one configuration will have after a request: the current ones,
 * with the requested ones set or removed, each checked against the component's Metatype. It
 * changes nothing itself, so a whole request can be checked before any of it is applied.
 */
final class ConfigurationEditor {

    /** Properties Config Admin manages itself; a request may send them back (they are shown), they are ignored. */
    static final Set<String> MANAGED = Set.of("service.pid", "service.factoryPid", "service.bundleLocation");

    private ConfigurationEditor() {
    }

    /**
     * The properties to store for {@code pid}, or null when the request is wrong (the reasons
     * are added to {@code problems}).
     *
     * @param current the stored properties, or null when the configuration does not exist yet;
     *                a new configuration gets the Metatype defaults of the attributes not requested
     */
    static Map<String, Object> edit(String pid, ComponentDefinition definition, Map<String, Object> current,
                                    List<RequestedProperty> requested, List<String> problems) {
        Map<String, AttributeRule> rules = rules(definition);
        Map<String, Object> result = new LinkedHashMap<>();
        if (current != null) {
            result.putAll(current);
        }
        MANAGED.forEach(result::remove);
        int before = problems.size();
        Set<String> requestedNames = new HashSet<>();

        for (RequestedProperty property : requested) {
            String name = property.name();
            if (MANAGED.contains(name)) {
                continue;
            }
            requestedNames.add(name);
            AttributeRule rule = rules.get(name);
            Object value;
            if (rule != null) {
                value = rule.accept(pid, property, result.get(name), problems);
            } else if (isFreeProperty(name, result)) {
                value = FreeProperty.convert(pid, property, problems);
            } else {
                problems.add(pid + ": unknown property \"" + name + "\"; the attributes of " + pid + " are: "
                        + String.join(", ", rules.keySet()));
                continue;
            }
            if (value == null) {
                result.remove(name);
            } else {
                result.put(name, value);
            }
        }
        for (AttributeRule rule : rules.values()) {
            if (result.containsKey(rule.id()) || requestedNames.contains(rule.id())) {
                continue; // present, or refused above with its own message
            }
            Object defaultValue = rule.defaultValue();
            if (current == null && defaultValue != null) {
                result.put(rule.id(), defaultValue);
            } else if (rule.required() && defaultValue == null) {
                problems.add(pid + ": " + rule.id() + " is required and has no value; expected " + rule.expectation());
            }
        }
        return problems.size() > before ? null : result;
    }

    /** The rules of every attribute (required and optional), in Metatype order. */
    static Map<String, AttributeRule> rules(ComponentDefinition definition) {
        if (definition == null) {
            return Collections.emptyMap();
        }
        Map<String, AttributeRule> rules = new LinkedHashMap<>();
        for (AttributeDefinition ad : definition.attributes()) {
            rules.put(ad.getID(), new AttributeRule(ad, definition.isRequired(ad.getID()), definition.bounds(ad.getID())));
        }
        return rules;
    }

    /**
     * Properties Metatype does not describe but components use all the same: DS reference
     * targets, the service ranking, and whatever the configuration holds already (a file
     * name FileInstall put there). Anything else is most likely a typo, and is refused.
     */
    private static boolean isFreeProperty(String name, Map<String, Object> current) {
        return name.endsWith(".target") || name.equals("service.ranking") || current.containsKey(name);
    }

    /** Converts a property without Metatype: by its declared type, or by what the JSON value is. */
    private static final class FreeProperty {

        static Object convert(String pid, RequestedProperty property, List<String> problems) {
            Object json = property.json();
            if (json == null) {
                return null;
            }
            List<?> elements = json instanceof List<?> list ? list : List.of(json);
            PropertyType type = property.declaredType() != null ? property.declaredType() : inferred(elements);
            List<Object> converted = new ArrayList<>();
            for (Object element : elements) {
                try {
                    converted.add(type.fromJson(element));
                } catch (IllegalArgumentException | NullPointerException e) {
                    problems.add(pid + ": " + property.name() + " = " + element + " is not " + type.withArticle()
                            + "; expected values of the declared type " + type);
                    return null;
                }
            }
            return json instanceof List<?> ? TypedValue.containerOf(type, converted, false) : converted.get(0);
        }

        private static PropertyType inferred(List<?> elements) {
            Object first = elements.isEmpty() ? null : elements.get(0);
            if (first instanceof Boolean) {
                return PropertyType.BOOLEAN;
            }
            if (first instanceof Integer) {
                return PropertyType.INTEGER;
            }
            if (first instanceof Long || first instanceof java.math.BigInteger) {
                return PropertyType.LONG;
            }
            if (first instanceof Number) {
                return PropertyType.DOUBLE;
            }
            return PropertyType.STRING;
        }
    }
}
