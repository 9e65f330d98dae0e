package io.hybridge.broker.internal;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.moquette.broker.security.IAuthenticator;
import io.moquette.broker.security.IAuthorizatorPolicy;
import io.moquette.broker.subscriptions.Topic;

/**
 * Who may connect and what they may do, asked by Moquette on every CONNECT (authentication),
 * PUBLISH (write) and SUBSCRIBE (read). It looks accounts up on every call, so accounts that
 * come and go apply without a broker restart. Anything it cannot place is denied.
 *
 * <p>Moquette 0.17 does not ask on a client's Last Will; the will topic is not checked.
 */
final class AccessPolicy implements IAuthenticator, IAuthorizatorPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(AccessPolicy.class);
    /** Checked against for unknown usernames, so that they cost as much as a wrong password. */
    private static final PasswordHash NOBODY = PasswordHash.of("no account has this password");

    private final Accounts accounts;
    private final TopicPermissions anonymous;

    /** @param anonymous what clients without a username may do (Moquette lets them in only when allowed) */
    AccessPolicy(Accounts accounts, TopicPermissions anonymous) {
        this.accounts = accounts;
        this.anonymous = anonymous;
    }

    @Override
    public boolean checkValid(String clientId, String username, byte[] password) {
        Optional<Account> account = accounts.find(username);
        if (account.isEmpty()) {
            NOBODY.matches(password);
            LOG.warn("MQTT login refused: no account has username '{}' (client id '{}')", username, clientId);
            return false;
        }
        if (!account.get().passwordMatches(password)) {
            LOG.warn("MQTT login refused: wrong password for username '{}' (client id '{}')", username, clientId);
            return false;
        }
        return true;
    }

    @Override
    public boolean canWrite(Topic topic, String username, String clientId) {
        String name = topic.toString();
        boolean allowed = username == null
                ? anonymous.mayPublish(name, null, clientId)
                : accounts.find(username).map(account -> account.mayPublish(name, clientId)).orElse(false);
        if (!allowed) {
            LOG.debug("MQTT publish denied: username '{}', client id '{}', topic '{}'", username, clientId, name);
        }
        return allowed;
    }

    @Override
    public boolean canRead(Topic topic, String username, String clientId) {
        // Moquette logs the refused subscription itself (WARN), with username and topic
        String filter = topic.toString();
        return username == null
                ? anonymous.maySubscribe(filter, null, clientId)
                : accounts.find(username).map(account -> account.maySubscribe(filter, clientId)).orElse(false);
    }
}
