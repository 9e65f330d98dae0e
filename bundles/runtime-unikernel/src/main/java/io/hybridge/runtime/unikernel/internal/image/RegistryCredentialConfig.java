package io.hybridge.runtime.unikernel.internal.image;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Factory configuration {@value RegistryCredential#FACTORY_PID}: one unikernel hub account. */
@ObjectClassDefinition(name = "Hybridge unikernel hub credentials",
        description = "An account the unikernel runtime pulls images with from one OCI registry.")
@interface RegistryCredentialConfig {

    @AttributeDefinition(name = "Registry", description = "host[:port] exactly as image references name it, e.g. 127.0.0.1:15000 or hub.example.com.")
    String registry();

    @AttributeDefinition(name = "Username", description = "Empty: anonymous (useful with 'insecure' alone).")
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD)
    String password() default "";

    @AttributeDefinition(name = "Insecure", description = "Plain HTTP to this registry. Loopback registries always use HTTP; every other registry HTTPS unless this is set.")
    boolean insecure() default false;
}
