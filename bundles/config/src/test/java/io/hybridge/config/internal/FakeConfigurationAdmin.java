package io.hybridge.config.internal;

import java.io.IOException;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Dictionary;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * An in-memory Config Admin: configurations exist once they have properties, as in Felix;
 * named factory configurations get the PID {@code factoryPid~name}. Updates of chosen PIDs
 * can be made to fail, to test that a change is all or nothing.
 */
public final class FakeConfigurationAdmin implements ConfigurationAdmin {

    private static final String SERVICE_PID = "service.pid";

    private final Map<String, FakeConfiguration> configurations = new TreeMap<>();
    private final Map<String, String> failingUpdates = new HashMap<>();
    private final Map<String, Integer> successesBeforeFailing = new HashMap<>();
    private final Map<String, String> failingDeletes = new HashMap<>();
    private final Map<String, Integer> updates = new HashMap<>();

    /** Every later update of this PID throws an IOException with this message. */
    public void failUpdatesOf(String pid, String message) {
        failUpdatesOf(pid, message, 0);
    }

    /** Lets {@code successes} more updates of this PID through, then fails every later one. */
    public void failUpdatesOf(String pid, String message, int successes) {
        failingUpdates.put(pid, message);
        successesBeforeFailing.put(pid, successes);
    }

    public void failDeletesOf(String pid, String message) {
        failingDeletes.put(pid, message);
    }

    public void stopFailing() {
        failingUpdates.clear();
        failingDeletes.clear();
    }

    /** How many times this PID's properties actually changed (or were set). */
    public int updatesOf(String pid) {
        return updates.getOrDefault(pid, 0);
    }

    /** Sets a configuration directly, as a file or the web console would. */
    public FakeConfigurationAdmin put(String pid, Map<String, Object> properties) throws IOException {
        getConfiguration(pid, "?").update(new Hashtable<>(properties));
        return this;
    }

    public FakeConfigurationAdmin putFactory(String factoryPid, String name, Map<String, Object> properties) throws IOException {
        getFactoryConfiguration(factoryPid, name, "?").update(new Hashtable<>(properties));
        return this;
    }

    /** The stored properties of a PID, without Config Admin's own; null when there is no configuration. */
    public Map<String, Object> properties(String pid) {
        FakeConfiguration configuration = configurations.get(pid);
        if (configuration == null || configuration.properties == null) {
            return null;
        }
        Map<String, Object> map = new TreeMap<>();
        for (Enumeration<String> keys = configuration.properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            if (!key.equals(SERVICE_PID) && !key.equals(SERVICE_FACTORYPID)) {
                map.put(key, configuration.properties.get(key));
            }
        }
        return map;
    }

    public Set<String> pids() {
        Set<String> pids = new java.util.TreeSet<>();
        configurations.forEach((pid, c) -> {
            if (c.properties != null) {
                pids.add(pid);
            }
        });
        return pids;
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid) {
        return createFactoryConfiguration(factoryPid, null);
    }

    @Override
    public Configuration createFactoryConfiguration(String factoryPid, String location) {
        String pid = factoryPid + "." + UUID.randomUUID();
        return configurations.computeIfAbsent(pid, p -> new FakeConfiguration(p, factoryPid));
    }

    @Override
    public Configuration getConfiguration(String pid, String location) {
        return configurations.computeIfAbsent(pid, p -> new FakeConfiguration(p, null));
    }

    @Override
    public Configuration getConfiguration(String pid) {
        return getConfiguration(pid, null);
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name, String location) {
        return configurations.computeIfAbsent(factoryPid + "~" + name, p -> new FakeConfiguration(p, factoryPid));
    }

    @Override
    public Configuration getFactoryConfiguration(String factoryPid, String name) {
        return getFactoryConfiguration(factoryPid, name, null);
    }

    @Override
    public Configuration[] listConfigurations(String filter) throws InvalidSyntaxException {
        Filter f = filter == null ? null : FrameworkUtil.createFilter(filter);
        List<Configuration> result = new ArrayList<>();
        for (FakeConfiguration configuration : configurations.values()) {
            if (configuration.properties != null && (f == null || f.match(configuration.properties))) {
                result.add(configuration);
            }
        }
        return result.isEmpty() ? null : result.toArray(new Configuration[0]);
    }

    private final class FakeConfiguration implements Configuration {
        private final String pid;
        private final String factoryPid;
        private Hashtable<String, Object> properties;
        private final Set<ConfigurationAttribute> attributes = EnumSet.noneOf(ConfigurationAttribute.class);
        private long changeCount;

        FakeConfiguration(String pid, String factoryPid) {
            this.pid = pid;
            this.factoryPid = factoryPid;
        }

        @Override
        public String getPid() {
            return pid;
        }

        @Override
        public Dictionary<String, Object> getProperties() {
            return properties == null ? null : copy(properties);
        }

        @Override
        public Dictionary<String, Object> getProcessedProperties(ServiceReference<?> reference) {
            return getProperties();
        }

        @Override
        public void update(Dictionary<String, ?> newProperties) throws IOException {
            String failure = failingUpdates.get(pid);
            if (failure != null) {
                int successes = successesBeforeFailing.getOrDefault(pid, 0);
                if (successes == 0) {
                    throw new IOException(failure);
                }
                successesBeforeFailing.put(pid, successes - 1);
            }
            if (!configurations.containsKey(pid)) {
                throw new IllegalStateException(pid + " was deleted");
            }
            Hashtable<String, Object> next = new Hashtable<>();
            for (Enumeration<String> keys = newProperties.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                next.put(key, newProperties.get(key));
            }
            next.put(SERVICE_PID, pid);
            if (factoryPid != null) {
                next.put(SERVICE_FACTORYPID, factoryPid);
            }
            properties = next;
            changeCount++;
            updates.merge(pid, 1, Integer::sum);
        }

        @Override
        public boolean updateIfDifferent(Dictionary<String, ?> newProperties) throws IOException {
            if (properties != null && sameProperties(properties, newProperties)) {
                return false;
            }
            update(newProperties);
            return true;
        }

        @Override
        public void delete() throws IOException {
            String failure = failingDeletes.get(pid);
            if (failure != null) {
                throw new IOException(failure);
            }
            configurations.remove(pid);
            properties = null;
        }

        @Override
        public String getFactoryPid() {
            return factoryPid;
        }

        @Override
        public void update() {
            // nothing is persisted
        }

        @Override
        public void setBundleLocation(String location) {
        }

        @Override
        public String getBundleLocation() {
            return "?";
        }

        @Override
        public long getChangeCount() {
            return changeCount;
        }

        @Override
        public void addAttributes(ConfigurationAttribute... add) {
            Collections.addAll(attributes, add);
        }

        @Override
        public Set<ConfigurationAttribute> getAttributes() {
            return Set.copyOf(attributes);
        }

        @Override
        public void removeAttributes(ConfigurationAttribute... remove) {
            for (ConfigurationAttribute attribute : remove) {
                attributes.remove(attribute);
            }
        }
    }

    private static Hashtable<String, Object> copy(Hashtable<String, Object> properties) {
        Hashtable<String, Object> copy = new Hashtable<>();
        properties.forEach((k, v) -> copy.put(k, v.getClass().isArray() ? copyArray(v) : v));
        return copy;
    }

    private static Object copyArray(Object array) {
        Object copy = Array.newInstance(array.getClass().getComponentType(), Array.getLength(array));
        System.arraycopy(array, 0, copy, 0, Array.getLength(array));
        return copy;
    }

    private static boolean sameProperties(Hashtable<String, Object> current, Dictionary<String, ?> next) {
        Map<String, Object> a = new HashMap<>(current);
        a.remove(SERVICE_PID);
        a.remove(SERVICE_FACTORYPID);
        Map<String, Object> b = new HashMap<>();
        for (Enumeration<String> keys = next.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            b.put(key, next.get(key));
        }
        b.remove(SERVICE_PID);
        b.remove(SERVICE_FACTORYPID);
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (String key : a.keySet()) {
            if (!Objects.deepEquals(a.get(key), b.get(key))) {
                return false;
            }
        }
        return true;
    }
}
