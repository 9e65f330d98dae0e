package io.hybridge.cloud.internal.link;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

import io.hybridge.cloud.internal.payload.PayloadEncoding;
import io.hybridge.cloud.internal.store.OverflowPolicy;
import io.hybridge.cloud.internal.store.StoreLimits;

/**
 * The validated settings of the cloud connection: {@link CloudConfig} with the environment filled
 * in where the configuration leaves a value empty. A value that cannot work is refused with a
 * message naming the property, the value and what is allowed; nothing half-valid gets through.
 *
 * <p>{@code uri == null} means no cloud is configured: the gateway runs locally.
 */
record CloudSettings(boolean enabled, String uri, String account, String clientId, String username, char[] password,
                     String mqttVersion, int keepAliveSeconds, int connectTimeoutSeconds, boolean cleanSession,
                     int maxInflight, PayloadEncoding encoding, Tls tls, Duration reconnectInitial,
                     Duration reconnectMax, Path storeFile, StoreLimits storeLimits, int maxRequestBytes,
                     String displayName) {

    static final String ENV_URI = "HYBRIDGE_CLOUD_URI";
    static final String ENV_ACCOUNT = "HYBRIDGE_ACCOUNT";
    static final String ENV_CLIENT_ID = "HYBRIDGE_CLIENT_ID";
    static final String ENV_USERNAME = "HYBRIDGE_CLOUD_USERNAME";
    static final String ENV_PASSWORD = "HYBRIDGE_CLOUD_PASSWORD";
    static final String DEFAULT_ACCOUNT = "hybridge";

    /** TLS material; paths {@code null} when not configured. */
    record Tls(Path truststore, char[] truststorePassword, Path keystore, char[] keystorePassword,
               boolean hostnameVerification) {
    }

    boolean cloudConfigured() {
        return enabled && uri != null;
    }

    boolean secure() {
        return uri != null && (uri.startsWith("ssl://") || uri.startsWith("wss://"));
    }

    /**
     * @param env       the process environment ({@code System::getenv} outside tests)
     * @param varDir    the gateway's var directory, for the default store file
     */
    static CloudSettings from(CloudConfig config, Function<String, String> env, Path varDir) {
        String uri = text(config.broker_uri(), env.apply(ENV_URI));
        if (uri != null) {
            checkUri(uri);
        }
        String account = requireLevel("account.name", orDefault(text(config.account_name(), env.apply(ENV_ACCOUNT)),
                DEFAULT_ACCOUNT));
        String clientId = requireLevel("client.id", orDefault(text(config.client_id(), env.apply(ENV_CLIENT_ID)),
                hostName()));
        String username = text(config.username(), env.apply(ENV_USERNAME));
        String password = text(config.password(), env.apply(ENV_PASSWORD));
        String version = config.mqtt_version() == null ? "3.1.1" : config.mqtt_version().trim();
        if (!version.equals("3.1.1") && !version.equals("5")) {
            throw invalid("mqtt.version", version, "3.1.1 or 5");
        }
        range("keep.alive.seconds", config.keep_alive_seconds(), 0, 65535);
        range("connect.timeout.seconds", config.connect_timeout_seconds(), 1, 300);
        range("max.inflight", config.max_inflight(), 1, 65535);
        PayloadEncoding encoding;
        try {
            encoding = PayloadEncoding.byName(config.payload_encoding());
        } catch (IllegalArgumentException e) {
            throw invalid("payload.encoding", config.payload_encoding(), "kura-protobuf or json");
        }
        Tls tls = new Tls(path(config.truststore_path()), chars(config.truststore_password()),
                path(config.keystore_path()), chars(config.keystore_password()), config.tls_hostname_verification());
        if (config.reconnect_initial_delay_ms() < 100) {
            throw invalid("reconnect.initial.delay.ms", config.reconnect_initial_delay_ms(), "at least 100");
        }
        if (config.reconnect_max_delay_ms() < config.reconnect_initial_delay_ms()) {
            throw invalid("reconnect.max.delay.ms", config.reconnect_max_delay_ms(),
                    "at least reconnect.initial.delay.ms (" + config.reconnect_initial_delay_ms() + ")");
        }
        if (config.store_max_messages() < 1) {
            throw invalid("store.max.messages", config.store_max_messages(), "at least 1");
        }
        if (config.store_max_mib() < 1) {
            throw invalid("store.max.mib", config.store_max_mib(), "at least 1");
        }
        OverflowPolicy policy;
        try {
            policy = OverflowPolicy.valueOf(config.store_full_policy().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw invalid("store.full.policy", config.store_full_policy(), "DROP_OLDEST_LOWEST_PRIORITY or REFUSE_NEW");
        }
        if (config.max_request_bytes() < 1024) {
            throw invalid("max.request.bytes", config.max_request_bytes(), "at least 1024");
        }
        Path storeFile = path(config.store_file());
        if (storeFile == null) {
            storeFile = varDir.resolve("cloud").resolve("messages.mv");
        }
        return new CloudSettings(config.enabled(), uri, account, clientId, username,
                password == null ? null : password.toCharArray(), version, config.keep_alive_seconds(),
                config.connect_timeout_seconds(), config.clean_session(), config.max_inflight(), encoding, tls,
                Duration.ofMillis(config.reconnect_initial_delay_ms()), Duration.ofMillis(config.reconnect_max_delay_ms()),
                storeFile, new StoreLimits(config.store_max_messages(), config.store_max_mib() << 20, policy),
                config.max_request_bytes(), text(config.display_name(), null));
    }

    private static void checkUri(String uri) {
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw invalid("broker.uri", uri, "a URI such as tcp://host:1883 (" + e.getReason() + ")");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme();
        if (!scheme.equals("tcp") && !scheme.equals("ssl") && !scheme.equals("ws") && !scheme.equals("wss")) {
            throw invalid("broker.uri", uri, "scheme tcp://, ssl://, ws:// or wss://");
        }
        if (parsed.getHost() == null) {
            throw invalid("broker.uri", uri, "a host, e.g. " + scheme + "://broker.example.com"
                    + (scheme.startsWith("ws") ? "/mqtt" : ":" + (scheme.equals("ssl") ? 8883 : 1883)));
        }
    }

    private static String requireLevel(String property, String value) {
        if (!KuraTopics.isLevel(value)) {
            throw invalid(property, value, "one MQTT topic level: not empty, without '/', '+' or '#'");
        }
        return value;
    }

    private static void range(String property, long value, long min, long max) {
        if (value < min || value > max) {
            throw invalid(property, value, min + ".." + max);
        }
    }

    static IllegalArgumentException invalid(String property, Object value, String allowed) {
        return new IllegalArgumentException(property + " = '" + value + "' is not valid; expected " + allowed);
    }

    private static String text(String configured, String fallback) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        return fallback == null || fallback.isBlank() ? null : fallback.trim();
    }

    private static String orDefault(String value, String defaultValue) {
        return value == null ? defaultValue : value;
    }

    private static Path path(String value) {
        return value == null || value.isBlank() ? null : Path.of(value.trim());
    }

    private static char[] chars(String value) {
        return value == null || value.isEmpty() ? null : value.toCharArray();
    }

    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            String level = host.replaceAll("[/+#\\s]", "-");
            return level.isEmpty() ? "hybridge-gateway" : level;
        } catch (UnknownHostException e) {
            return "hybridge-gateway";
        }
    }

    @Override
    public String toString() {
        // never the passwords
        return "CloudSettings[uri=" + uri + ", account=" + account + ", clientId=" + clientId + ", username=" + username
                + ", mqtt=" + mqttVersion + ", store=" + storeFile + "]";
    }
}
