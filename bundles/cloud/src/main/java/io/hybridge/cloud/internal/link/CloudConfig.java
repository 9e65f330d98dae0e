package io.hybridge.cloud.internal.link;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * Configuration {@value CloudConnection#PID}. Empty text values fall back to the environment
 * (see {@link CloudSettings}), so a fleet image can boot straight into its cloud account.
 */
@ObjectClassDefinition(name = "Hybridge cloud connection",
        description = "MQTT connection to a Kura/Kapua-compatible cloud broker, with store-and-forward on disk.")
@interface CloudConfig {

    @AttributeDefinition(name = "Enabled", description = "Switch the cloud connection off without losing its settings.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Broker URI", required = false,
            description = "tcp://host:1883, ssl://host:8883, ws://host/mqtt or wss://host/mqtt. Empty: HYBRIDGE_CLOUD_URI;"
                    + " neither set: no cloud, the gateway runs locally.")
    String broker_uri() default "";

    @AttributeDefinition(name = "Account", required = false,
            description = "Kapua account (scope), the second level of every topic. Empty: HYBRIDGE_ACCOUNT, else 'hybridge'.")
    String account_name() default "";

    @AttributeDefinition(name = "Client id", required = false,
            description = "MQTT client id, the third topic level. Empty: HYBRIDGE_CLIENT_ID, else the host name.")
    String client_id() default "";

    @AttributeDefinition(name = "Username", required = false, description = "Empty: HYBRIDGE_CLOUD_USERNAME.")
    String username() default "";

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "Empty: HYBRIDGE_CLOUD_PASSWORD.")
    String password() default "";

    @AttributeDefinition(name = "MQTT version", options = {
            @Option(value = "3.1.1", label = "MQTT 3.1.1 (Kapua)"), @Option(value = "5", label = "MQTT 5") })
    String mqtt_version() default "3.1.1";

    @AttributeDefinition(name = "Keep-alive (s)", min = "0", max = "65535")
    int keep_alive_seconds() default 30;

    @AttributeDefinition(name = "Connect timeout (s)", min = "1", max = "300")
    int connect_timeout_seconds() default 10;

    @AttributeDefinition(name = "Clean session",
            description = "false keeps the broker-side session (subscriptions, QoS 1 messages to the gateway) across reconnects.")
    boolean clean_session() default true;

    @AttributeDefinition(name = "Messages in flight", min = "1", max = "65535",
            description = "QoS 1 messages sent but not yet acknowledged by the broker, at most.")
    int max_inflight() default 100;

    @AttributeDefinition(name = "Payload encoding", options = {
            @Option(value = "kura-protobuf", label = "KuraPayload protobuf (Kapua)"), @Option(value = "json", label = "Kura JSON") })
    String payload_encoding() default "kura-protobuf";

    @AttributeDefinition(name = "Truststore", required = false,
            description = "PKCS12 or JKS file of the CAs to trust for ssl:// and wss://. Empty: the JVM's trusted CAs.")
    String truststore_path() default "";

    @AttributeDefinition(name = "Truststore password", type = AttributeType.PASSWORD, required = false)
    String truststore_password() default "";

    @AttributeDefinition(name = "Client keystore", required = false,
            description = "PKCS12 or JKS file with the gateway's certificate and key, for brokers that require client certificates.")
    String keystore_path() default "";

    @AttributeDefinition(name = "Client keystore password", type = AttributeType.PASSWORD, required = false)
    String keystore_password() default "";

    @AttributeDefinition(name = "Verify host name", description = "Check that the broker's certificate names the host of the URI.")
    boolean tls_hostname_verification() default true;

    @AttributeDefinition(name = "First reconnect delay (ms)", min = "100")
    long reconnect_initial_delay_ms() default 1000;

    @AttributeDefinition(name = "Longest reconnect delay (ms)", min = "100")
    long reconnect_max_delay_ms() default 60000;

    @AttributeDefinition(name = "Store file", required = false,
            description = "Where messages wait for the broker. Empty: <var>/cloud/messages.mv.")
    String store_file() default "";

    @AttributeDefinition(name = "Store limit (messages)", min = "1")
    long store_max_messages() default 1000000;

    @AttributeDefinition(name = "Store limit (MiB)", min = "1", description = "Counted as record bytes; plan about twice on disk.")
    long store_max_mib() default 256;

    @AttributeDefinition(name = "When the store is full", options = {
            @Option(value = "DROP_OLDEST_LOWEST_PRIORITY", label = "drop the oldest message of the lowest priority"),
            @Option(value = "REFUSE_NEW", label = "refuse new messages") })
    String store_full_policy() default "DROP_OLDEST_LOWEST_PRIORITY";

    @AttributeDefinition(name = "Largest request (bytes)", min = "1024",
            description = "Requests on $EDC/... larger than this (after gzip inflation) get a 400 reply.")
    int max_request_bytes() default 1048576;

    @AttributeDefinition(name = "Display name", required = false,
            description = "BIRTH metric display_name. Empty: the device profile's name.")
    String display_name() default "";
}
