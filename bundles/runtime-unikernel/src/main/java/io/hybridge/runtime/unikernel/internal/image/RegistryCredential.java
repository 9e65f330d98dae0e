package io.hybridge.runtime.unikernel.internal.image;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One account on one unikernel hub (factory PID {@value #FACTORY_PID}), offered to the unikernel
 * runtime as a service of this bundle only (the type is private). The runtime references them
 * (multiple, dynamic) and hands {@link RegistryAccount#lookup} of their accounts to the
 * {@link OciImageStore}.
 */
@Component(service = RegistryCredential.class, configurationPid = RegistryCredential.FACTORY_PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE)
@Designate(ocd = RegistryCredentialConfig.class, factory = true)
public final class RegistryCredential {

    public static final String FACTORY_PID = "io.hybridge.runtime.unikernel.registry";

    private final RegistryAccount account;

    @Activate
    public RegistryCredential(RegistryCredentialConfig config) {
        this.account = new RegistryAccount(config.registry(), config.username(), config.password(), config.insecure());
    }

    public RegistryAccount account() {
        return account;
    }

    @Override
    public String toString() {
        return "RegistryCredential[" + account + "]";
    }
}
