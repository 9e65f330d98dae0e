package io.hybridge.workloads.internal.supervisor;

import java.io.IOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.workload.WorkloadSpec;

/**
 * Each workload with bus access gets its own local-broker account, kept as a named factory
 * configuration of the broker's account PID ({@code io.hybridge.broker.account~workload-<name>}):
 * the broker applies it live, operators see it in the console, and it survives restarts so an
 * adopted instance keeps working with the password it was given. The password is generated once
 * and kept; the topic filters follow the spec.
 */
final class BusAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(BusAccounts.class);
    static final String ACCOUNT_FACTORY_PID = "io.hybridge.broker.account";
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    /** Username and password of a workload's account. */
    record Credentials(String username, String password) {
    }

    private final ConfigurationAdmin configAdmin;
    private final SecureRandom random = new SecureRandom();

    BusAccounts(ConfigurationAdmin configAdmin) {
        this.configAdmin = configAdmin;
    }

    static String username(String workload) {
        return "workload-" + workload;
    }

    /** Creates or updates the account as the spec says; empty when the spec asks for no bus access. */
    synchronized Optional<Credentials> ensure(WorkloadSpec spec) {
        if (spec.bus().isEmpty()) {
            drop(spec.name());
            return Optional.empty();
        }
        try {
            Configuration configuration = configAdmin.getFactoryConfiguration(ACCOUNT_FACTORY_PID, username(spec.name()), "?");
            Dictionary<String, Object> current = configuration.getProperties();
            String password = current != null && current.get("password") instanceof String kept && !kept.isEmpty()
                    ? kept : generatePassword();
            Hashtable<String, Object> wanted = new Hashtable<>();
            wanted.put("username", username(spec.name()));
            wanted.put("password", password);
            wanted.put("publish", spec.bus().publish().toArray(String[]::new));
            wanted.put("subscribe", spec.bus().subscribe().toArray(String[]::new));
            wanted.put("description", "Workload " + spec.name() + " (managed by the workload supervisor)");
            if (!same(current, wanted)) {
                // an update disconnects the account's clients: only when something changed
                configuration.update(wanted);
                LOG.info("Workload {}: broker account {} {} (publish {}, subscribe {})", spec.name(), username(spec.name()),
                        current == null ? "created" : "updated", spec.bus().publish(), spec.bus().subscribe());
            }
            return Optional.of(new Credentials(username(spec.name()), password));
        } catch (IOException e) {
            LOG.error("Workload {}: its broker account could not be written: {}", spec.name(), e.toString());
            return Optional.empty();
        }
    }

    synchronized void drop(String workload) {
        try {
            Configuration[] found = configAdmin.listConfigurations(
                    "(&(service.factoryPid=" + ACCOUNT_FACTORY_PID + ")(username=" + username(workload) + "))");
            if (found != null) {
                for (Configuration configuration : found) {
                    configuration.delete();
                    LOG.info("Workload {}: broker account {} deleted", workload, username(workload));
                }
            }
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            LOG.warn("Workload {}: its broker account could not be deleted: {}", workload, e.toString());
        }
    }

    private String generatePassword() {
        char[] chars = new char[24];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }

    private static boolean same(Dictionary<String, Object> current, Hashtable<String, Object> wanted) {
        if (current == null) {
            return false;
        }
        for (String key : List.of("username", "password", "description")) {
            if (!Objects.equals(current.get(key), wanted.get(key))) {
                return false;
            }
        }
        return sameArray(current.get("publish"), (String[]) wanted.get("publish"))
                && sameArray(current.get("subscribe"), (String[]) wanted.get("subscribe"));
    }

    private static boolean sameArray(Object current, String[] wanted) {
        if (current instanceof String[] array) {
            return Arrays.equals(array, wanted);
        }
        if (current instanceof java.util.Collection<?> collection) {
            return Arrays.equals(collection.toArray(), wanted);
        }
        return current == null && wanted.length == 0;
    }
}
