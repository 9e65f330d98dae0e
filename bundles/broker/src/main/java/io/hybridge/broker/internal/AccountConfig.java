package io.hybridge.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Hybridge MQTT account",
        description = "One user of the gateway's local MQTT broker: a sensor, a workload or a person."
                + " Takes effect at once; changing or deleting an account disconnects its clients.")
@interface AccountConfig {

    @AttributeDefinition(name = "Username",
            description = "MQTT username; unique among the accounts (a second account with the same"
                    + " username is refused). Must not contain '/', '+' or '#'.")
    String username();

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD,
            description = "MQTT password; required, not empty. Only a salted hash is kept in memory.")
    String password();

    @AttributeDefinition(name = "May publish to", required = false,
            description = "MQTT topic filters this account may publish to, e.g. 'sensors/%u/#'."
                    + " '+' matches one level, '#' (last level only) all below; %u stands for the"
                    + " username and %c for the client id. Empty: may not publish.")
    String[] publish() default {};

    @AttributeDefinition(name = "May subscribe to", required = false,
            description = "MQTT topic filters this account may subscribe with (read), same syntax."
                    + " A subscription must lie within one of them: 'sensors/#' allows"
                    + " 'sensors/+/temp' but not '#'. Empty: may not subscribe.")
    String[] subscribe() default {};

    @AttributeDefinition(name = "Description", required = false,
            description = "What or who uses this account; for operators only.")
    String description() default "";
}
