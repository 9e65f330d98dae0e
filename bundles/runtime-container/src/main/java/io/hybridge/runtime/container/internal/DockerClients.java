package io.hybridge.runtime.container.internal;

import java.net.URI;
import java.time.Duration;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;

/**
 * Makes docker-java clients for one engine URI with the zero-dependency transport (Apache
 * HttpClient 5 shaded inside docker-java; on Java 16+ its unix socket is the JDK's own, so JNA
 * is never loaded). Nothing is read from the user's ~/.docker or DOCKER_* variables: the
 * runtime's settings are the only input.
 */
final class DockerClients {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);

    private DockerClients() {
    }

    /**
     * @param responseTimeout longest silence on a response; null for none (event and log streams,
     *                        pulls and stops that legitimately wait)
     */
    static DockerClient create(String engineUri, Duration responseTimeout) {
        DefaultDockerClientConfig config = new DefaultDockerClientConfig.Builder()
                .withDockerHost(engineUri)
                .withDockerTlsVerify(false)
                .build();
        ZerodepDockerHttpClient.Builder http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(URI.create(engineUri))
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxConnections(32);
        if (responseTimeout != null) {
            http.responseTimeout(responseTimeout);
        }
        return DockerClientImpl.getInstance(config, http.build());
    }
}
