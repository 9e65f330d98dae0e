package io.hybridge.config.internal;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.ObjectClassDefinition;

/** Metatype described in code, for tests: {@code new FakeMetatype().pid("p", ocd("p").ad(integer("port")...))}. */
public final class FakeMetatype implements MetatypeCatalog {

    private final Map<String, ComponentDefinition> pids = new TreeMap<>();
    private final Map<String, ComponentDefinition> factories = new TreeMap<>();

    public FakeMetatype pid(String pid, Ocd ocd) {
        pids.put(pid, ocd.definition());
        return this;
    }

    public FakeMetatype factory(String factoryPid, Ocd ocd) {
        factories.put(factoryPid, ocd.definition());
        return this;
    }

    public FakeMetatype remove(String pid) {
        pids.remove(pid);
        factories.remove(pid);
        return this;
    }

    @Override
    public Map<String, ComponentDefinition> pids() {
        return new TreeMap<>(pids);
    }

    @Override
    public Map<String, ComponentDefinition> factoryPids() {
        return new TreeMap<>(factories);
    }

    public static Ocd ocd(String id) {
        return new Ocd(id);
    }

    public static Ad ad(String id, int type) {
        return new Ad(id, type);
    }

    public static final class Ocd implements ObjectClassDefinition {
        private final String id;
        private final List<Ad> ads = new ArrayList<>();

        public Ocd(String id) {
            this.id = id;
        }

        public Ocd ad(Ad ad) {
            ads.add(ad);
            return this;
        }

        public ComponentDefinition definition() {
            Map<String, ComponentDefinition.Bounds> bounds = new HashMap<>();
            ads.forEach(a -> bounds.put(a.id, new ComponentDefinition.Bounds(a.min, a.max)));
            return ComponentDefinition.of(this, bounds);
        }

        @Override
        public String getName() {
            return id + " name";
        }

        @Override
        public String getID() {
            return id;
        }

        @Override
        public String getDescription() {
            return id + " description";
        }

        @Override
        public AttributeDefinition[] getAttributeDefinitions(int filter) {
            return ads.stream().filter(a -> filter == ALL || (filter == REQUIRED) == a.required)
                    .toArray(AttributeDefinition[]::new);
        }

        @Override
        public InputStream getIcon(int size) {
            return null;
        }
    }

    public static final class Ad implements AttributeDefinition {
        private final String id;
        private final int type;
        private int cardinality;
        private boolean required = true;
        private String min;
        private String max;
        private String[] defaults;
        private String[] optionValues;
        private String[] optionLabels;
        private Function<String, String> validator = value -> null;

        public Ad(String id, int type) {
            this.id = id;
            this.type = type;
        }

        public Ad cardinality(int cardinality) {
            this.cardinality = cardinality;
            return this;
        }

        public Ad optional() {
            this.required = false;
            return this;
        }

        public Ad range(String min, String max) {
            this.min = min;
            this.max = max;
            return this;
        }

        public Ad defaults(String... defaults) {
            this.defaults = defaults;
            return this;
        }

        public Ad options(String... values) {
            this.optionValues = values;
            this.optionLabels = values;
            return this;
        }

        /** What AttributeDefinition.validate answers, as a MetaTypeProvider with its own rules would. */
        public Ad validator(Function<String, String> validator) {
            this.validator = validator;
            return this;
        }

        @Override
        public String getName() {
            return id;
        }

        @Override
        public String getID() {
            return id;
        }

        @Override
        public String getDescription() {
            return "the " + id;
        }

        @Override
        public int getCardinality() {
            return cardinality;
        }

        @Override
        public int getType() {
            return type;
        }

        @Override
        public String[] getOptionValues() {
            return optionValues;
        }

        @Override
        public String[] getOptionLabels() {
            return optionLabels;
        }

        @Override
        public String validate(String value) {
            return validator.apply(value);
        }

        @Override
        public String[] getDefaultValue() {
            return defaults;
        }
    }
}
