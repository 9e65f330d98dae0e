package io.hybridge.broker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class AccountTest {

    private final Accounts accounts = new Accounts();

    static Account account(Accounts accounts, String pid, String username, String password, String[] publish,
            String[] subscribe) {
        Map<String, Object> config = new HashMap<>();
        config.put("service.pid", pid);
        if (username != null) {
            config.put("username", username);
        }
        if (password != null) {
            config.put("password", password);
        }
        config.put("publish", publish);
        config.put("subscribe", subscribe);
        return new Account(Configs.of(AccountConfig.class, config), config, accounts);
    }

    @Test
    void grantsWhatItsFiltersCover() {
        Account sensor = account(accounts, "io.hybridge.broker.account~s1", "s1", "pw",
                new String[] {"sensors/%u/#"}, new String[] {"commands/%u/+", ""});
        assertThat(sensor.isValid()).isTrue();
        assertThat(accounts.find("s1")).containsSame(sensor);
        assertThat(sensor.passwordMatches("pw".getBytes(UTF_8))).isTrue();
        assertThat(sensor.mayPublish("sensors/s1/temp", "c")).isTrue();
        assertThat(sensor.mayPublish("sensors/s2/temp", "c")).isFalse();
        assertThat(sensor.mayPublish("sensors/s1/#", "c")).as("a topic name has no wildcards").isFalse();
        assertThat(sensor.maySubscribe("commands/s1/+", "c")).isTrue();
        assertThat(sensor.maySubscribe("commands/s1/#", "c")).isFalse();
        assertThat(sensor.maySubscribe("commands/s1/a/#/b", "c")).as("malformed").isFalse();
    }

    @Test
    void deactivationRemovesTheAccount() {
        Account account = account(accounts, "p", "u", "pw", new String[0], new String[0]);
        account.deactivate();
        assertThat(accounts.find("u")).isEmpty();
    }

    @Test
    void missingUsernameIsRefused() {
        assertRefused(account(accounts, "io.hybridge.broker.account~x", null, "pw", new String[0], new String[0]));
    }

    @Test
    void missingPasswordIsRefused() {
        assertRefused(account(accounts, "p", "u", "", new String[0], new String[0]));
        assertThat(accounts.find("u")).isEmpty();
    }

    @Test
    void usernameThatCouldWidenPatternsIsRefused() {
        assertRefused(account(accounts, "p", "a/b", "pw", new String[0], new String[0]));
        assertRefused(account(accounts, "p", "#", "pw", new String[0], new String[0]));
        assertRefused(account(accounts, "p", " padded", "pw", new String[0], new String[0]));
    }

    @Test
    void malformedFilterIsRefused() {
        assertRefused(account(accounts, "io.hybridge.broker.account~y", "u", "pw",
                new String[] {"a/#"}, new String[] {"ok", "x/#/y"}));
        assertThat(accounts.find("u")).isEmpty();
    }

    private void assertRefused(Account account) {
        assertThat(account.isValid()).isFalse();
        assertThat(accounts.count()).isZero();
        account.deactivate(); // must not fail either
    }
}
