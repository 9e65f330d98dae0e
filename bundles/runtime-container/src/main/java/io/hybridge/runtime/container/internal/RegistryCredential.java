package io.hybridge.runtime.container.internal;

import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import com.github.dockerjava.api.model.AuthConfig;

/**
 * One registry account (factory PID {@value #FACTORY_PID}), offered to the {@link ContainerRuntime}
 * as a service of this bundle only (the type is private). Pulls from {@link #registry()} use it.
 */
@Component(service = RegistryCredential.class, configurationPid = RegistryCredential.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = RegistryCredentialConfig.class, factory = true)
public final class RegistryCredential {

    static final String FACTORY_PID = "io.hybridge.runtime.container.registry";

    private final String registry;
    private final String username;
    private final String password;

    @Activate
    public RegistryCredential(RegistryCredentialConfig config) {
        this(config.registry(), config.username(), config.password());
    }

    RegistryCredential(String registry, String username, String password) {
        this.registry = normalise(registry);
        this.username = username == null ? "" : username;
        this.password = password == null ? "" : password;
    }

    /** {@code host[:port]}, lower case, without scheme or trailing slash. */
    String registry() {
        return registry;
    }

    AuthConfig authConfig() {
        return new AuthConfig().withRegistryAddress(registry).withUsername(username).withPassword(password);
    }

    static String normalise(String registry) {
        String host = registry == null ? "" : registry.strip().toLowerCase(Locale.ROOT);
        host = host.replaceFirst("^https?://", "");
        while (host.endsWith("/")) {
            host = host.substring(0, host.length() - 1);
        }
        return host;
    }

    @Override
    public String toString() {
        return "RegistryCredential[" + registry + ", user " + username + "]";
    }
}
