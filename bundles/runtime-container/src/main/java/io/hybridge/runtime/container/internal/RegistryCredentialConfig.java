package io.hybridge.runtime.container.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Factory configuration {@value RegistryCredential#FACTORY_PID}: one registry account. */
@ObjectClassDefinition(name = "Hybridge container registry credentials",
        description = "An account the container runtime pulls with from one registry.")
@interface RegistryCredentialConfig {

    @AttributeDefinition(name = "Registry", description = "host[:port] exactly as image references name it, e.g. 127.0.0.1:15000 or registry.example.com.")
    String registry();

    @AttributeDefinition(name = "Username")
    String username();

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD)
    String password();
}
