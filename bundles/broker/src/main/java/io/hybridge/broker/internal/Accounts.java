package io.hybridge.broker.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts the broker authenticates against, by username. {@link Account} components add
 * and remove themselves at any time while every CONNECT, PUBLISH and SUBSCRIBE reads them, so
 * readers get an immutable snapshot and writers replace it.
 *
 * <p>Accounts register here rather than as services the broker tracks: a DS service carries its
 * configuration as service properties, and those would show every password in the service
 * registry (and the web console's service list).
 *
 * <p>When two accounts claim one username the first keeps it and the later one is refused; the
 * refused one is remembered and takes over if the first goes away, so deleting either the
 * duplicate or the original ends in one well-defined account.
 */
@Component(service = Accounts.class)
public final class Accounts {

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    /** Per username, every claimant in arrival order; the first is the active one. Guarded by this. */
    private final Map<String, List<Account>> claims = new HashMap<>();
    private volatile Map<String, Account> active = Map.of();
    private final List<Consumer<String>> revocationListeners = new CopyOnWriteArrayList<>();

    /** @return whether the account is now active (false: its username is taken) */
    boolean add(Account account) {
        synchronized (this) {
            List<Account> claimants = claims.computeIfAbsent(account.username(), name -> new ArrayList<>());
            claimants.add(account);
            if (claimants.size() > 1) {
                LOG.error("MQTT account {} is not used: username '{}' is already defined by {};"
                        + " give it another username or delete one of the two configurations",
                        account.pid(), account.username(), claimants.get(0).pid());
                return false;
            }
            publish();
        }
        return true;
    }

    /**
     * Removes an account. When it was the active one for its username, the clients logged in
     * with it lose their grounds: revocation listeners hear of the username.
     */
    void remove(Account account) {
        boolean wasActive;
        synchronized (this) {
            List<Account> claimants = claims.get(account.username());
            if (claimants == null) {
                return;
            }
            wasActive = claimants.get(0) == account;
            claimants.remove(account);
            if (claimants.isEmpty()) {
                claims.remove(account.username());
            } else if (wasActive) {
                LOG.info("MQTT account {} now defines username '{}' ({} was removed)",
                        claimants.get(0).pid(), account.username(), account.pid());
            }
            publish();
        }
        if (wasActive) {
            revocationListeners.forEach(listener -> listener.accept(account.username()));
        }
    }

    Optional<Account> find(String username) {
        return username == null ? Optional.empty() : Optional.ofNullable(active.get(username));
    }

    int count() {
        return active.size();
    }

    /** @param listener told the username whose active account was changed or removed */
    void addRevocationListener(Consumer<String> listener) {
        revocationListeners.add(listener);
    }

    void removeRevocationListener(Consumer<String> listener) {
        revocationListeners.remove(listener);
    }

    private void publish() {
        Map<String, Account> next = new LinkedHashMap<>();
        claims.forEach((username, claimants) -> next.put(username, claimants.get(0)));
        active = Map.copyOf(next);
    }
}
