package io.hybridge.config.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Changes to several configurations that stand or fall together. Config Admin has no
 * transactions, so each change records how to undo itself; when a later one fails,
 * {@link #undo()} restores the earlier ones, newest first.
 *
 * <p>Configurations are created with the location {@code "?"} (any bundle may receive them),
 * never bound to this bundle, and updated with {@code updateIfDifferent} so that a component
 * whose configuration does not actually change is not restarted.
 */
final class ConfigAdminTransaction {

    /** A step that could not be carried out; its message names the PID and what Config Admin said. */
    static final class StepFailed extends Exception {
        private static final long serialVersionUID = 1L;

        StepFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    private record Undo(String pid, Action action) {
    }

    private final ConfigurationAdmin configAdmin;
    private final Deque<Undo> undos = new ArrayDeque<>();

    ConfigAdminTransaction(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    /**
     * Gives {@code pid} exactly these properties, creating its configuration when
     * {@code existing} is null (a named factory configuration when the PID is
     * {@code <factoryPid>~<name>}).
     */
    void write(String pid, String factoryPid, Configuration existing, Map<String, Object> properties) throws StepFailed {
        Configuration configuration = existing;
        Dictionary<String, Object> before = existing == null ? null : existing.getProperties();
        try {
            if (configuration == null) {
                configuration = create(pid, factoryPid);
            }
            configuration.updateIfDifferent(new Hashtable<>(properties));
        } catch (Exception e) {
            if (existing == null && configuration != null) {
                deleteQuietly(configuration); // created but never given properties: leave nothing behind
            }
            throw new StepFailed("Config Admin refused to " + (existing == null ? "create " : "update ") + pid + ": "
                    + describe(e), e);
        }
        Configuration changed = configuration;
        undos.push(new Undo(pid, before == null ? changed::delete : () -> changed.updateIfDifferent(before)));
    }

    /** Deletes a configuration; undoing recreates it with the same properties (and PID, unless it was an unnamed factory configuration). */
    void delete(Configuration configuration) throws StepFailed {
        String pid = configuration.getPid();
        String factoryPid = configuration.getFactoryPid();
        Dictionary<String, Object> before = configuration.getProperties();
        try {
            configuration.delete();
        } catch (Exception e) {
            throw new StepFailed("Config Admin refused to delete " + pid + ": " + describe(e), e);
        }
        undos.push(new Undo(pid, () -> create(pid, factoryPid).update(before)));
    }

    /** How many changes have been made so far (and would be undone). */
    int changes() {
        return undos.size();
    }

    /**
     * Undoes every change made, newest first. Returns what could not be restored, one entry
     * per PID naming the reason; empty when everything is back as it was.
     */
    List<String> undo() {
        List<String> notRestored = new ArrayList<>();
        while (!undos.isEmpty()) {
            Undo undo = undos.pop();
            try {
                undo.action().run();
            } catch (Exception e) {
                notRestored.add(undo.pid() + " (" + describe(e) + ")");
            }
        }
        return notRestored;
    }

    private Configuration create(String pid, String factoryPid) throws Exception {
        if (factoryPid == null) {
            return configAdmin.getConfiguration(pid, "?");
        }
        String namedPrefix = factoryPid + "~";
        if (pid.startsWith(namedPrefix)) {
            return configAdmin.getFactoryConfiguration(factoryPid, pid.substring(namedPrefix.length()), "?");
        }
        // an unnamed factory configuration cannot be recreated under its old PID
        return configAdmin.createFactoryConfiguration(factoryPid, "?");
    }

    private static void deleteQuietly(Configuration configuration) {
        try {
            configuration.delete();
        } catch (Exception ignored) {
            // it had no properties; nothing used it
        }
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
