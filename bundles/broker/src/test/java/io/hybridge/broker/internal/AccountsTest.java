package io.hybridge.broker.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class AccountsTest {

    /** Where the accounts under test register themselves; the registry under test starts empty. */
    private final Accounts elsewhere = new Accounts();
    private final Accounts accounts = new Accounts();
    private final List<String> revoked = new ArrayList<>();

    AccountsTest() {
        accounts.addRevocationListener(revoked::add);
    }

    private Account account(String pid, String username) {
        return AccountTest.account(elsewhere, pid, username, "pw", new String[0], new String[0]);
    }

    @Test
    void findsAccountsByUsername() {
        Account alice = account("a", "alice");
        assertThat(accounts.add(alice)).isTrue();
        assertThat(accounts.find("alice")).containsSame(alice);
        assertThat(accounts.find("bob")).isEmpty();
        assertThat(accounts.find(null)).isEmpty();
        assertThat(accounts.count()).isEqualTo(1);
    }

    @Test
    void laterDuplicateIsRefusedAndTakesOverWhenTheFirstGoes() {
        Account first = account("first", "alice");
        Account second = account("second", "alice");
        accounts.add(first);
        assertThat(accounts.add(second)).isFalse();
        assertThat(accounts.find("alice")).containsSame(first);
        assertThat(accounts.count()).isEqualTo(1);

        accounts.remove(first);
        assertThat(accounts.find("alice")).containsSame(second);
        assertThat(revoked).as("clients of the first must log in again").containsExactly("alice");
    }

    @Test
    void removingTheRefusedDuplicateChangesNothing() {
        Account first = account("first", "alice");
        Account second = account("second", "alice");
        accounts.add(first);
        accounts.add(second);
        accounts.remove(second);
        assertThat(accounts.find("alice")).containsSame(first);
        assertThat(revoked).isEmpty();
    }

    @Test
    void removedAccountIsGone() {
        Account alice = account("a", "alice");
        accounts.add(alice);
        accounts.remove(alice);
        assertThat(accounts.find("alice")).isEmpty();
        assertThat(accounts.count()).isZero();
        assertThat(revoked).containsExactly("alice");
        accounts.remove(alice);
        assertThat(revoked).as("already gone").containsExactly("alice");
    }
}
