package io.hybridge.broker.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Hybridge local MQTT broker",
        description = "The gateway's embedded MQTT 3.1.1 broker, the bus for sensors and workloads."
                + " Users are the 'Hybridge MQTT account' configurations. A change restarts the"
                + " broker (clients reconnect); an invalid change is refused and the broker keeps"
                + " running as it was.")
@interface BrokerConfig {

    @AttributeDefinition(name = "Enabled",
            description = "Run the local broker. Off: nothing listens and the gateway uses an external broker.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Host", description = "Address to listen on; 0.0.0.0 for all interfaces, 127.0.0.1 for this machine only.")
    String host() default "0.0.0.0";

    // No default on purpose: a value stored here beats the framework property, and a form
    // that saved a default would silently override HYBRIDGE_MQTT_PORT.
    @AttributeDefinition(name = "Port", required = false, min = "1", max = "65535",
            description = "TCP port, 1 to 65535. When not set here:"
                    + " the framework property hybridge.mqtt.port (env HYBRIDGE_MQTT_PORT), else 1883.")
    int port();

    @AttributeDefinition(name = "Allow anonymous",
            description = "Let clients connect without a username. They may use only the"
                    + " anonymous topic filters below.")
    boolean allow_anonymous() default false;

    @AttributeDefinition(name = "Anonymous may publish to", required = false,
            description = "Topic filters anonymous clients may publish to (when allowed). '#' is every topic except $-topics.")
    String[] anonymous_publish() default {"#"};

    @AttributeDefinition(name = "Anonymous may subscribe to", required = false,
            description = "Topic filters anonymous clients may subscribe with (when allowed).")
    String[] anonymous_subscribe() default {"#"};

    @AttributeDefinition(name = "Maximum message size", min = "1", max = "268435455",
            description = "Largest MQTT packet accepted, in bytes (1 to 268435455); a client that"
                    + " sends a larger one is disconnected.")
    int max_message_size() default BrokerSettings.DEFAULT_MAX_MESSAGE_SIZE;
}
