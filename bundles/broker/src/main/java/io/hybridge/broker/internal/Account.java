package io.hybridge.broker.internal;

import java.util.Map;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT account, made from one factory configuration {@code io.hybridge.broker.account~name}.
 * It adds itself to {@link Accounts} when activated and removes itself when its configuration is
 * changed or deleted, so the running broker sees accounts come and go. An invalid configuration
 * is logged with the field to fix and never reaches {@link Accounts}.
 */
@Component(service = {}, configurationPid = Account.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = AccountConfig.class, factory = true)
public final class Account {

    static final String PID = "io.hybridge.broker.account";
    private static final Logger LOG = LoggerFactory.getLogger(Account.class);

    private final Accounts accounts;
    private final String pid;
    private final String username;
    private final PasswordHash password;
    private final TopicPermissions permissions;

    @Activate
    public Account(AccountConfig config, Map<String, Object> properties, @Reference(name = "accounts") Accounts accounts) {
        this.accounts = accounts;
        this.pid = String.valueOf(properties.getOrDefault(Constants.SERVICE_PID, PID));
        String validUsername = null;
        PasswordHash validPassword = null;
        TopicPermissions validPermissions = null;
        try {
            validUsername = validUsername(config.username());
            validPassword = PasswordHash.of(validPassword(config.password()));
            validPermissions = TopicPermissions.parse("publish", config.publish(), "subscribe", config.subscribe());
        } catch (IllegalArgumentException e) {
            // logged, not thrown: SCR would log a stack trace each time anything touched the component
            LOG.error("MQTT account {} is not used: {}", pid, e.getMessage());
        }
        this.username = validUsername;
        this.password = validPassword;
        this.permissions = validPermissions;
        if (isValid() && accounts.add(this)) {
            LOG.info("MQTT account '{}' ({}) may publish to {} and subscribe to {}",
                    username, pid, permissions.publish(), permissions.subscribe());
        }
    }

    @Deactivate
    void deactivate() {
        if (isValid()) {
            accounts.remove(this);
        }
    }

    /** Whether the configuration was valid; an invalid account is never in {@link Accounts}. */
    boolean isValid() {
        return permissions != null;
    }

    String pid() {
        return pid;
    }

    String username() {
        return username;
    }

    boolean passwordMatches(byte[] candidate) {
        return password.matches(candidate);
    }

    boolean mayPublish(String topic, String clientId) {
        return permissions.mayPublish(topic, username, clientId);
    }

    boolean maySubscribe(String filter, String clientId) {
        return permissions.maySubscribe(filter, username, clientId);
    }

    private static String validUsername(String username) {
        if (username == null || username.isBlank()) {
            throw new IllegalArgumentException("'username' is missing; set a non-empty MQTT username");
        }
        if (!username.equals(username.strip())) {
            throw new IllegalArgumentException("'username' '" + username + "' has leading or trailing blanks");
        }
        // the username is substituted for %u in topic filters, so it must stay one topic level
        if (username.indexOf('/') >= 0 || username.indexOf('+') >= 0 || username.indexOf('#') >= 0) {
            throw new IllegalArgumentException("'username' '" + username + "' contains '/', '+' or '#'; those are not allowed");
        }
        return username;
    }

    private static String validPassword(String password) {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("'password' is missing; set a non-empty password");
        }
        return password;
    }

    @Override
    public String toString() {
        return "Account[" + username + ", " + pid + "]";
    }
}
