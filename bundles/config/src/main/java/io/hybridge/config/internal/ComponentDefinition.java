package io.hybridge.config.internal;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/**
 * A component's Metatype: the object class definition, plus what the Metatype API does not
 * carry but validation needs — which attributes are required (the API answers that only as
 * a filter) and the min/max bounds of the Metatype XML.
 */
public record ComponentDefinition(ObjectClassDefinition ocd, Set<String> required, Map<String, Bounds> bounds) {

    /** An attribute's {@code min} and {@code max} as the XML states them (null when absent): values for numbers, lengths for strings. */
    public record Bounds(String min, String max) {
        public static final Bounds NONE = new Bounds(null, null);
    }

    public ComponentDefinition {
        required = Set.copyOf(required);
        bounds = Map.copyOf(bounds);
    }

    /** A definition whose bounds come from elsewhere (the XML), its required attributes from the OCD. */
    public static ComponentDefinition of(ObjectClassDefinition ocd, Map<String, Bounds> bounds) {
        Set<String> required = new HashSet<>();
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.REQUIRED);
        if (ads != null) {
            for (AttributeDefinition ad : ads) {
                required.add(ad.getID());
            }
        }
        return new ComponentDefinition(ocd, required, bounds == null ? Collections.emptyMap() : bounds);
    }

    /** Every attribute, required and optional, in Metatype order. */
    public AttributeDefinition[] attributes() {
        AttributeDefinition[] ads = ocd.getAttributeDefinitions(ObjectClassDefinition.ALL);
        return ads == null ? new AttributeDefinition[0] : ads;
    }

    public boolean isRequired(String attributeId) {
        return required.contains(attributeId);
    }

    public Bounds bounds(String attributeId) {
        return bounds.getOrDefault(attributeId, Bounds.NONE);
    }
}
