package io.hybridge.runtime.unikernel.internal.image;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * How the store talks to one registry: an account (empty username: anonymous) and whether
 * plain HTTP is allowed there. Loopback registries always speak HTTP; every other registry
 * HTTPS unless {@code insecure}.
 *
 * @param registry {@code host[:port]}, lower case, without scheme or trailing slash
 */
public record RegistryAccount(String registry, String username, String password, boolean insecure) {

    public RegistryAccount {
        registry = normalise(registry);
        username = username == null ? "" : username;
        password = password == null ? "" : password;
    }

    public boolean anonymous() {
        return username.isEmpty();
    }

    /** A lookup by registry host over these accounts, for the store's constructor. */
    public static Function<String, Optional<RegistryAccount>> lookup(Collection<RegistryAccount> accounts) {
        return host -> accounts.stream().filter(a -> a.registry().equals(normalise(host))).findFirst();
    }

    static String normalise(String registry) {
        String host = registry == null ? "" : registry.strip().toLowerCase(Locale.ROOT);
        host = host.replaceFirst("^https?://", "");
        while (host.endsWith("/")) {
            host = host.substring(0, host.length() - 1);
        }
        return host;
    }

    /** Never the password: this ends up in logs. */
    @Override
    public String toString() {
        return "RegistryAccount[" + registry + ", user " + (anonymous() ? "(anonymous)" : username)
                + (insecure ? ", insecure" : "") + "]";
    }
}
