package io.hybridge.runtime.container.internal;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The container runtime's configuration with the environment's defaults filled in.
 *
 * @param enabled          whether to contact an engine at all
 * @param engineUri        {@code unix:///path} or {@code tcp://host:port}
 * @param engineUriSource  where {@code engineUri} came from, for messages
 * @param statsInterval    background usage sampling; zero = off
 * @param defaultRegistry  {@code host[:port]} for references that name no registry; empty = none
 * @param stopGrace        grace of a stop without its own
 */
record RuntimeSettings(boolean enabled, String engineUri, String engineUriSource, Duration statsInterval,
                       String defaultRegistry, Duration stopGrace) {

    static final String DEFAULT_ENGINE_URI = "unix:///var/run/docker.sock";
    /** Framework property shared with the device bundle's Docker detection. */
    static final String DOCKER_SOCKET_PROPERTY = "hybridge.docker.socket";

    static RuntimeSettings from(ContainerRuntimeConfig config, Map<String, String> environment, String socketProperty) {
        String uri = config.engineUri() == null ? "" : config.engineUri().strip();
        String source = "configuration engineUri";
        if (uri.isEmpty()) {
            String dockerHost = environment.getOrDefault("DOCKER_HOST", "").strip();
            if (!dockerHost.isEmpty()) {
                uri = dockerHost;
                source = "environment DOCKER_HOST";
            } else if (socketProperty != null && !socketProperty.isBlank()) {
                uri = "unix://" + socketProperty.strip();
                source = "framework property " + DOCKER_SOCKET_PROPERTY;
            } else {
                uri = DEFAULT_ENGINE_URI;
                source = "default";
            }
        }
        return new RuntimeSettings(config.enabled(), uri, source, Duration.ofSeconds(Math.max(0, config.statsIntervalSeconds())),
                RegistryCredential.normalise(config.defaultRegistry()), Duration.ofSeconds(Math.max(0, config.stopGraceSeconds())));
    }

    /** Settings for an engine at {@code engineUri} with the defaults of the configuration. */
    static RuntimeSettings of(String engineUri) {
        return new RuntimeSettings(true, engineUri, "test", Duration.ofSeconds(10), "", Duration.ofSeconds(10));
    }

    RuntimeSettings withStatsInterval(Duration interval) {
        return new RuntimeSettings(enabled, engineUri, engineUriSource, interval, defaultRegistry, stopGrace);
    }

    RuntimeSettings withDefaultRegistry(String registry) {
        return new RuntimeSettings(enabled, engineUri, engineUriSource, statsInterval, RegistryCredential.normalise(registry), stopGrace);
    }

    /** Why {@link #engineUri} cannot be used, or null when it can. */
    String engineUriProblem() {
        try {
            URI uri = new URI(engineUri);
            if ("unix".equals(uri.getScheme()) && uri.getPath() != null && !uri.getPath().isEmpty()) {
                return null;
            }
            if ("tcp".equals(uri.getScheme()) && uri.getHost() != null && uri.getPort() > 0) {
                return null;
            }
        } catch (Exception e) {
            // reported below
        }
        return "engine URI '" + engineUri + "' (" + engineUriSource + ") is not unix:///path/to/socket or tcp://host:port";
    }
}
