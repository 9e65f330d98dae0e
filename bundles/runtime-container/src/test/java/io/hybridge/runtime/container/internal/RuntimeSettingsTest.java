package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RuntimeSettingsTest {

    private static ContainerRuntimeConfig config(String engineUri, String defaultRegistry) {
        return new ContainerRuntimeConfig() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ContainerRuntimeConfig.class;
            }

            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String engineUri() {
                return engineUri;
            }

            @Override
            public int statsIntervalSeconds() {
                return 5;
            }

            @Override
            public String defaultRegistry() {
                return defaultRegistry;
            }

            @Override
            public int stopGraceSeconds() {
                return 3;
            }
        };
    }

    @Test
    void theConfiguredUriWinsThenDockerHostThenTheFrameworkPropertyThenTheDefaultSocket() {
        Map<String, String> env = Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375");
        assertThat(RuntimeSettings.from(config("unix:///run/podman/podman.sock", ""), env, "/x.sock").engineUri())
                .isEqualTo("unix:///run/podman/podman.sock");
        RuntimeSettings fromEnv = RuntimeSettings.from(config("", ""), env, "/x.sock");
        assertThat(fromEnv.engineUri()).isEqualTo("tcp://127.0.0.1:2375");
        assertThat(fromEnv.engineUriSource()).isEqualTo("environment DOCKER_HOST");
        assertThat(RuntimeSettings.from(config("", ""), Map.of(), "/x.sock").engineUri()).isEqualTo("unix:///x.sock");
        assertThat(RuntimeSettings.from(config(" ", ""), Map.of(), null).engineUri()).isEqualTo("unix:///var/run/docker.sock");
    }

    @Test
    void durationsAndTheDefaultRegistryAreRead() {
        RuntimeSettings settings = RuntimeSettings.from(config("", "HTTP://Reg.Local:5000/"), Map.of(), null);
        assertThat(settings.statsInterval()).hasSeconds(5);
        assertThat(settings.stopGrace()).hasSeconds(3);
        assertThat(settings.defaultRegistry()).isEqualTo("reg.local:5000");
    }

    @Test
    void onlyUnixAndTcpUrisAreUsable() {
        assertThat(RuntimeSettings.of("unix:///var/run/docker.sock").engineUriProblem()).isNull();
        assertThat(RuntimeSettings.of("tcp://10.0.0.2:2375").engineUriProblem()).isNull();
        assertThat(RuntimeSettings.of("/var/run/docker.sock").engineUriProblem()).contains("is not unix:///path/to/socket or tcp://host:port");
        assertThat(RuntimeSettings.of("tcp://host").engineUriProblem()).isNotNull();
    }
}
