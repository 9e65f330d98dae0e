package io.hybridge.config.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.config.internal.ConfigAdminTransaction.StepFailed;

/**
 * The gateway's configuration as Kura's ConfigurationService presents it, over Config Admin
 * and Metatype: the configurable components (every PID and factory PID that Metatype
 * describes), their configurations, validated all-or-nothing changes, factory
 * configurations, and snapshots with rollback.
 *
 * <p>Every change is checked completely against Metatype before anything is applied; a
 * Config Admin failure half-way undoes what was already applied. Snapshots keep the
 * configuration before and after each change (only when it differs from the newest one), so
 * the last change can always be rolled back. One change at a time: the methods are
 * synchronized, because the cloud and the HTTP API may ask at once.
 */
public final class ConfigurationService {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationService.class);
    /** What a factory configuration's name may be: it becomes part of its PID and of file names. */
    private static final Pattern INSTANCE_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private final ConfigurationAdmin configAdmin;
    private final MetatypeCatalog metatype;
    private final SnapshotStore snapshots;

    public ConfigurationService(ConfigurationAdmin configAdmin, MetatypeCatalog metatype, SnapshotStore snapshots) {
        this.configAdmin = configAdmin;
        this.metatype = metatype;
        this.snapshots = snapshots;
    }

    public SnapshotStore snapshotStore() {
        return snapshots;
    }

    // ------------------------------------------------------------------ reading

    /** Every configurable PID: those Metatype describes, and the configurations of factories it describes. */
    public synchronized List<PidAndFactoryPid> pidsWithFactory() {
        return state().configurable();
    }

    /** The factory PIDs Metatype describes. */
    public synchronized List<String> factoryPids() {
        return new ArrayList<>(metatype.factoryPids().keySet());
    }

    /** The configuration of every configurable component (its defaults while it has none). */
    public synchronized List<ComponentConfiguration> configurations() {
        State state = state();
        List<ComponentConfiguration> result = new ArrayList<>();
        for (PidAndFactoryPid component : state.configurable()) {
            result.add(configurationOf(state, component.pid()));
        }
        return result;
    }

    /** The configurations of these PIDs, in the order asked; PIDs that are not configurable are left out (as Kura does). */
    public synchronized List<ComponentConfiguration> configurations(Collection<String> pids) {
        State state = state();
        List<ComponentConfiguration> result = new ArrayList<>();
        for (String pid : new LinkedHashSet<>(pids)) {
            if (state.definitionOf(pid) != null) {
                result.add(configurationOf(state, pid));
            }
        }
        return result;
    }

    /**
     * The Metatype defaults of these PIDs — configurable PIDs, factory configurations or
     * factory PIDs — whatever is configured now. Unknown PIDs are left out.
     */
    public synchronized List<ComponentConfiguration> defaultConfigurations(Collection<String> pids) {
        State state = state();
        List<ComponentConfiguration> result = new ArrayList<>();
        for (String pid : new LinkedHashSet<>(pids)) {
            ComponentDefinition definition = state.factories.get(pid);
            String factoryPid = null;
            if (definition == null) {
                definition = state.definitionOf(pid);
                Configuration existing = state.configurations.get(pid);
                factoryPid = existing == null ? null : existing.getFactoryPid();
            }
            if (definition != null) {
                result.add(new ComponentConfiguration(pid, factoryPid, definition, defaults(definition)));
            }
        }
        return result;
    }

    /** The definitions of these factory PIDs (all when null), without properties. Unknown ones are left out. */
    public synchronized List<ComponentConfiguration> factoryDefinitions(Collection<String> factoryPids) {
        Map<String, ComponentDefinition> factories = metatype.factoryPids();
        Collection<String> wanted = factoryPids == null ? factories.keySet() : new LinkedHashSet<>(factoryPids);
        List<ComponentConfiguration> result = new ArrayList<>();
        for (String factoryPid : wanted) {
            ComponentDefinition definition = factories.get(factoryPid);
            if (definition != null) {
                result.add(new ComponentConfiguration(factoryPid, null, definition, null));
            }
        }
        return result;
    }

    // ------------------------------------------------------------------ changing

    /**
     * Changes the configurations of several components at once, all or nothing.
     *
     * @throws ConfigurationFailure NOT_FOUND naming every PID that is not configurable,
     *                              INVALID naming every wrong value, FAILED when Config Admin
     *                              or the snapshot failed (what was applied has been undone)
     */
    public synchronized void update(List<ConfigurationChange> changes, boolean takeSnapshot) {
        if (changes.isEmpty()) {
            throw ConfigurationFailure.invalid("no configuration to update; expected at least one entry in \"configs\"");
        }
        State state = state();
        List<String> unknown = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (ConfigurationChange change : changes) {
            String pid = change.pid();
            if (!seen.add(pid)) {
                problems.add(pid + " appears more than once; send each PID once");
                continue;
            }
            Configuration existing = state.configurations.get(pid);
            ComponentDefinition definition = state.definitionOf(pid);
            if (definition == null) {
                unknown.add(whyUnknown(state, pid));
                continue;
            }
            Map<String, Object> current = existing == null ? null : properties(existing);
            Map<String, Object> updated = ConfigurationEditor.edit(pid, definition, current, change.properties(), problems);
            if (updated != null) {
                steps.add(new Write(pid, existing == null ? null : existing.getFactoryPid(), existing, updated));
            }
        }
        failIfAny(unknown, problems);
        apply(steps, takeSnapshot);
        LOG.info("configuration of {} updated", seen);
    }

    /** Creates named factory configurations ({@code <factoryPid>~<name>}), all or nothing. */
    public synchronized List<String> createFactoryConfigurations(List<NewFactoryInstance> instances, boolean takeSnapshot) {
        if (instances.isEmpty()) {
            throw ConfigurationFailure.invalid("no factory configuration to create; expected at least one entry in \"configs\"");
        }
        State state = state();
        List<String> unknown = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        List<String> created = new ArrayList<>();
        for (NewFactoryInstance instance : instances) {
            String factoryPid = instance.factoryPid();
            ComponentDefinition definition = state.factories.get(factoryPid);
            if (definition == null) {
                unknown.add("no factory PID " + factoryPid + " with Metatype; GET/factoryComponents lists them");
                continue;
            }
            String name = instance.name();
            if (name.startsWith(factoryPid + "~")) {
                name = name.substring(factoryPid.length() + 1);
            }
            if (!INSTANCE_NAME.matcher(name).matches()) {
                problems.add(factoryPid + ": the name \"" + name + "\" of a new configuration may contain only letters,"
                        + " digits, '.', '_' and '-'; its PID becomes " + factoryPid + "~<name>");
                continue;
            }
            String pid = factoryPid + "~" + name;
            if (state.configurations.containsKey(pid) || created.contains(pid)) {
                problems.add(pid + " already exists; change it with PUT/configurableComponents/configurations/_update"
                        + " or delete it first");
                continue;
            }
            Map<String, Object> properties = ConfigurationEditor.edit(pid, definition, null, instance.properties(), problems);
            created.add(pid);
            if (properties != null) {
                steps.add(new Write(pid, factoryPid, null, properties));
            }
        }
        failIfAny(unknown, problems);
        apply(steps, takeSnapshot);
        LOG.info("factory configurations {} created", created);
        return created;
    }

    /** Deletes factory configurations, all or nothing. */
    public synchronized void deleteFactoryConfigurations(List<String> pids, boolean takeSnapshot) {
        if (pids.isEmpty()) {
            throw ConfigurationFailure.invalid("no factory configuration to delete; expected at least one PID in \"pids\"");
        }
        State state = state();
        List<String> unknown = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        for (String pid : new LinkedHashSet<>(pids)) {
            Configuration existing = state.configurations.get(pid);
            if (existing == null) {
                unknown.add("no configuration " + pid + "; GET/configurableComponents/pidsWithFactory lists the factory"
                        + " configurations");
            } else if (existing.getFactoryPid() == null) {
                problems.add(pid + " is not a factory configuration; only factory configurations can be deleted");
            } else if (!state.factories.containsKey(existing.getFactoryPid())) {
                unknown.add(pid + " belongs to the factory " + existing.getFactoryPid() + ", which has no Metatype;"
                        + " it is not configurable here");
            } else {
                steps.add(new Delete(existing));
            }
        }
        failIfAny(unknown, problems);
        apply(steps, takeSnapshot);
        LOG.info("factory configurations {} deleted", pids);
    }

    // ------------------------------------------------------------------ snapshots

    /** The stored snapshot ids, oldest first. */
    public synchronized List<Long> snapshotIds() {
        return snapshots.ids();
    }

    public synchronized Snapshot snapshot(long id) {
        return snapshots.read(id).orElseThrow(() -> ConfigurationFailure.notFound("no snapshot " + id
                + "; the stored snapshots are " + snapshots.ids()));
    }

    /** Writes a snapshot of the configuration now, even when it equals the newest one (Kura does). */
    public synchronized long writeSnapshot() {
        try {
            return snapshots.write(capture(state()));
        } catch (IOException e) {
            throw ConfigurationFailure.failed("cannot write a snapshot in " + snapshots.directory() + ": "
                    + ConfigAdminTransaction.describe(e), e);
        }
    }

    /**
     * Rolls back to the newest snapshot whose restore would change the running configuration
     * — after a change made here, the state before it; after a change made elsewhere (the web
     * console, a file), the newest snapshot — and returns its id.
     */
    public synchronized long rollback() {
        State state = state();
        List<Long> ids = snapshots.ids();
        for (int i = ids.size() - 1; i >= 0; i--) {
            Optional<Snapshot> candidate;
            try {
                candidate = snapshots.read(ids.get(i));
            } catch (ConfigurationFailure damaged) {
                LOG.warn("skipping snapshot {} for the rollback: {}", ids.get(i), damaged.getMessage());
                continue;
            }
            if (candidate.isPresent()) {
                Plan plan = restorePlan(candidate.get().content(), state);
                if (plan.changesSomething()) {
                    apply(plan.steps(), true);
                    LOG.info("configuration rolled back to snapshot {}", ids.get(i));
                    return ids.get(i);
                }
            }
        }
        throw ConfigurationFailure.notFound(ids.isEmpty()
                ? "there is no snapshot to roll back to; EXEC/snapshots/_write takes one"
                : "every stored snapshot equals the running configuration; there is nothing to roll back (snapshots "
                        + ids + ")");
    }

    /** Restores the configuration of a snapshot, all or nothing. */
    public synchronized void rollback(long id) {
        Snapshot target = snapshot(id);
        apply(restorePlan(target.content(), state()).steps(), true);
        LOG.info("configuration rolled back to snapshot {}", id);
    }

    // ------------------------------------------------------------------ how changes are applied

    private sealed interface Step permits Write, Delete {
    }

    /** Sets all properties of a configuration (creating it when {@code existing} is null). */
    private record Write(String pid, String factoryPid, Configuration existing, Map<String, Object> properties)
            implements Step {
    }

    private record Delete(Configuration configuration) implements Step {
    }

    private record Plan(List<Step> steps, boolean changesSomething) {
    }

    /**
     * Applies the steps in one transaction. Snapshots, when wanted, are part of it: one of the
     * configuration as it was (unless the newest snapshot already is that), and one of the
     * result; if that cannot be written, the change is undone too.
     */
    private void apply(List<Step> steps, boolean takeSnapshot) {
        if (takeSnapshot) {
            try {
                snapshotIfChanged();
            } catch (IOException e) {
                throw ConfigurationFailure.failed("cannot write the snapshot of the configuration before the change in "
                        + snapshots.directory() + ": " + ConfigAdminTransaction.describe(e) + "; nothing was changed", e);
            }
        }
        ConfigAdminTransaction transaction = new ConfigAdminTransaction(configAdmin);
        try {
            for (Step step : steps) {
                if (step instanceof Write write) {
                    transaction.write(write.pid(), write.factoryPid(), write.existing(), write.properties());
                } else if (step instanceof Delete delete) {
                    transaction.delete(delete.configuration());
                }
            }
        } catch (StepFailed e) {
            throw ConfigurationFailure.failed(e.getMessage() + undoAndDescribe(transaction), e.getCause());
        }
        if (takeSnapshot) {
            try {
                snapshotIfChanged();
            } catch (IOException | RuntimeException e) {
                throw ConfigurationFailure.failed("cannot write the snapshot of the new configuration in "
                        + snapshots.directory() + ": " + ConfigAdminTransaction.describe(e) + undoAndDescribe(transaction), e);
            }
        }
    }

    /** Undoes what the transaction applied and says how that went, for the end of a failure message. */
    private static String undoAndDescribe(ConfigAdminTransaction transaction) {
        int changes = transaction.changes();
        List<String> notRestored = transaction.undo();
        if (!notRestored.isEmpty()) {
            LOG.error("a failed configuration change could not be undone for {}", notRestored);
            return "; undoing the changes already made failed for " + String.join(", ", notRestored)
                    + ": check these configurations";
        }
        return changes == 0 ? "; nothing was changed"
                : "; nothing was changed: the " + changes + " change(s) already applied were undone";
    }

    /** Makes the newest snapshot the running configuration, writing one unless it already is. */
    private void snapshotIfChanged() throws IOException {
        SnapshotContent now = capture(state());
        Optional<Snapshot> newest = newestSnapshot();
        if (newest.isEmpty() || !newest.get().content().canonical().equals(now.canonical())) {
            snapshots.write(now);
        }
    }

    private Optional<Snapshot> newestSnapshot() {
        List<Long> ids = snapshots.ids();
        if (ids.isEmpty()) {
            return Optional.empty();
        }
        try {
            return snapshots.read(ids.get(ids.size() - 1));
        } catch (ConfigurationFailure damaged) {
            LOG.warn("{}; writing a new snapshot", damaged.getMessage());
            return Optional.empty();
        }
    }

    private Plan restorePlan(SnapshotContent target, State state) {
        List<Step> steps = new ArrayList<>();
        boolean changes = false;
        Set<String> inSnapshot = new HashSet<>();
        target.entries().forEach(e -> inSnapshot.add(e.pid()));
        Set<String> knownFactories = Set.copyOf(target.factoryPids());
        // factory configurations made since the snapshot go; of factories it did not know, none
        for (Configuration configuration : state.configurations.values()) {
            if (configuration.getFactoryPid() != null && knownFactories.contains(configuration.getFactoryPid())
                    && !inSnapshot.contains(configuration.getPid())) {
                steps.add(new Delete(configuration));
                changes = true;
            }
        }
        for (SnapshotEntry entry : target.entries()) {
            Configuration existing = state.configurations.get(entry.pid());
            if (entry.properties() == null) {
                if (existing != null) {
                    steps.add(new Delete(existing));
                    changes = true;
                }
                continue;
            }
            Map<String, Object> values = new LinkedHashMap<>();
            entry.properties().forEach((name, typed) -> values.put(name, typed.value()));
            steps.add(new Write(entry.pid(), entry.factoryPid(), existing, values));
            ComponentDefinition definition = state.definitionOf(entry.pid());
            changes |= existing == null || !SnapshotJson.properties(entry.properties()).equals(
                    SnapshotJson.properties(exactTyped(properties(existing), definition)));
        }
        return new Plan(steps, changes);
    }

    private static void failIfAny(List<String> unknown, List<String> problems) {
        if (!unknown.isEmpty()) {
            throw ConfigurationFailure.notFound(String.join("; ", unknown));
        }
        if (!problems.isEmpty()) {
            throw ConfigurationFailure.invalid(problems);
        }
    }

    // ------------------------------------------------------------------ what exists now

    /** Metatype and the configurations, read once per request so that all of it sees the same. */
    private record State(Map<String, ComponentDefinition> pids, Map<String, ComponentDefinition> factories,
                         Map<String, Configuration> configurations) {

        /** The Metatype of a PID: its own, or its factory's for a factory configuration; null when not configurable. */
        ComponentDefinition definitionOf(String pid) {
            Configuration existing = configurations.get(pid);
            if (existing != null && existing.getFactoryPid() != null) {
                return factories.get(existing.getFactoryPid());
            }
            return pids.get(pid);
        }

        List<PidAndFactoryPid> configurable() {
            Map<String, PidAndFactoryPid> result = new TreeMap<>();
            pids.keySet().forEach(pid -> result.put(pid, new PidAndFactoryPid(pid, null)));
            for (Configuration configuration : configurations.values()) {
                String factoryPid = configuration.getFactoryPid();
                if (factoryPid != null && factories.containsKey(factoryPid)) {
                    result.put(configuration.getPid(), new PidAndFactoryPid(configuration.getPid(), factoryPid));
                }
            }
            return new ArrayList<>(result.values());
        }
    }

    private State state() {
        Map<String, Configuration> configurations = new TreeMap<>();
        try {
            Configuration[] all = configAdmin.listConfigurations(null);
            if (all != null) {
                for (Configuration configuration : all) {
                    configurations.put(configuration.getPid(), configuration);
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            throw ConfigurationFailure.failed("cannot list the configurations: " + ConfigAdminTransaction.describe(e), e);
        }
        return new State(metatype.pids(), metatype.factoryPids(), configurations);
    }

    private static String whyUnknown(State state, String pid) {
        if (state.factories.containsKey(pid)) {
            return pid + " is a factory PID; change one of its configurations (" + pid + "~<name>) or create one with"
                    + " POST/factoryComponents";
        }
        Configuration existing = state.configurations.get(pid);
        if (existing != null) {
            return pid + " has a configuration but no Metatype describes it, so it is not configurable here";
        }
        int tilde = pid.indexOf('~');
        if (tilde > 0 && state.factories.containsKey(pid.substring(0, tilde))) {
            return "no configuration " + pid + "; create it with POST/factoryComponents";
        }
        return "no configurable component " + pid + " (no Metatype describes it); GET/configurableComponents lists them";
    }

    private ComponentConfiguration configurationOf(State state, String pid) {
        Configuration existing = state.configurations.get(pid);
        ComponentDefinition definition = state.definitionOf(pid);
        Map<String, TypedValue> properties = existing == null ? defaults(definition) : displayTyped(properties(existing), definition);
        return new ComponentConfiguration(pid, existing == null ? null : existing.getFactoryPid(), definition, properties);
    }

    private SnapshotContent capture(State state) {
        List<SnapshotEntry> entries = new ArrayList<>();
        state.pids.forEach((pid, definition) -> {
            Configuration existing = state.configurations.get(pid);
            if (existing == null) {
                entries.add(new SnapshotEntry(pid, null, null));
            } else if (existing.getFactoryPid() == null) {
                entries.add(new SnapshotEntry(pid, null, exactTyped(properties(existing), definition)));
            }
        });
        for (Configuration configuration : state.configurations.values()) {
            String factoryPid = configuration.getFactoryPid();
            if (factoryPid != null && state.factories.containsKey(factoryPid)) {
                entries.add(new SnapshotEntry(configuration.getPid(), factoryPid,
                        exactTyped(properties(configuration), state.factories.get(factoryPid))));
            }
        }
        return new SnapshotContent(new ArrayList<>(state.factories.keySet()), entries);
    }

    private static Map<String, Object> properties(Configuration configuration) {
        Map<String, Object> properties = new LinkedHashMap<>();
        Dictionary<String, Object> dictionary = configuration.getProperties();
        if (dictionary != null) {
            for (Enumeration<String> keys = dictionary.keys(); keys.hasMoreElements();) {
                String key = keys.nextElement();
                properties.put(key, dictionary.get(key));
            }
        }
        return properties;
    }

    /** The Metatype defaults, typed. */
    private static Map<String, TypedValue> defaults(ComponentDefinition definition) {
        Map<String, TypedValue> defaults = new TreeMap<>();
        for (AttributeRule rule : ConfigurationEditor.rules(definition).values()) {
            Object value = rule.defaultValue();
            if (value != null) {
                defaults.put(rule.id(), new TypedValue(rule.type(), value));
            }
        }
        return defaults;
    }

    /**
     * Properties as a client should see them: with their attribute's type, converted to it
     * where the stored value has another (a {@code .cfg} file stores {@code "1883"} for an
     * Integer port; the component sees 1883, so does the client).
     */
    private static Map<String, TypedValue> displayTyped(Map<String, Object> properties, ComponentDefinition definition) {
        Map<String, AttributeRule> rules = ConfigurationEditor.rules(definition);
        Map<String, TypedValue> typed = new TreeMap<>();
        properties.forEach((name, value) -> {
            TypedValue actual = TypedValue.inferred(value);
            if (actual == null) {
                return;
            }
            AttributeRule rule = rules.get(name);
            typed.put(name, rule == null ? actual : asAttributeType(rule, actual));
        });
        return typed;
    }

    private static TypedValue asAttributeType(AttributeRule rule, TypedValue actual) {
        if (actual.type() == rule.type() || (rule.type() == PropertyType.PASSWORD && actual.type() == PropertyType.STRING)) {
            return new TypedValue(rule.type(), actual.value());
        }
        if (actual.isMultiValued() != rule.multiValued()) {
            return actual;
        }
        try {
            List<Object> converted = new ArrayList<>();
            for (Object element : actual.elements()) {
                converted.add(element == null ? null : rule.type().fromJson(PropertyType.toJson(element)));
            }
            return new TypedValue(rule.type(), actual.isMultiValued()
                    ? TypedValue.containerOf(rule.type(), converted, actual.isCollection()) : converted.get(0));
        } catch (IllegalArgumentException notConvertible) {
            return actual;
        }
    }

    /**
     * Properties exactly as stored, for snapshots: typed by their Java class (so a rollback
     * restores the same types), marked PASSWORD where Metatype says so (so they are masked on
     * the wire). Config Admin's own properties are left out.
     */
    private static Map<String, TypedValue> exactTyped(Map<String, Object> properties, ComponentDefinition definition) {
        Map<String, AttributeRule> rules = ConfigurationEditor.rules(definition);
        Map<String, TypedValue> typed = new TreeMap<>();
        properties.forEach((name, value) -> {
            TypedValue actual = TypedValue.inferred(value);
            if (actual == null || ConfigurationEditor.MANAGED.contains(name)) {
                return;
            }
            AttributeRule rule = rules.get(name);
            boolean password = rule != null && rule.type() == PropertyType.PASSWORD && actual.type() == PropertyType.STRING;
            typed.put(name, password ? new TypedValue(PropertyType.PASSWORD, value) : actual);
        });
        return typed;
    }

    @Override
    public String toString() {
        return "ConfigurationService[snapshots in " + Objects.toString(snapshots.directory()) + "]";
    }
}
