package io.hybridge.runtime.container.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration {@value ContainerRuntime#PID}; read into {@link RuntimeSettings}. */
@ObjectClassDefinition(name = "Hybridge container runtime",
        description = "Runs container workloads through a Docker-compatible engine (Docker, or Podman's compatible socket).")
@interface ContainerRuntimeConfig {

    @AttributeDefinition(name = "Enabled",
            description = "Switch the container runtime off: no engine is contacted and container workloads wait as engine-unavailable.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Engine URI", required = false,
            description = "unix:///var/run/docker.sock, unix:///run/podman/podman.sock or tcp://host:2375 (plain TCP; TLS is not"
                    + " offered). Empty: the DOCKER_HOST environment variable, else the framework property hybridge.docker.socket,"
                    + " else unix:///var/run/docker.sock.")
    String engineUri() default "";

    @AttributeDefinition(name = "Usage sampling interval (s)", min = "0", max = "3600",
            description = "How often CPU, memory and process counts of running instances are sampled in the background. 0: never.")
    int statsIntervalSeconds() default 10;

    @AttributeDefinition(name = "Default registry", required = false,
            description = "host[:port] to pull image references that name no registry from (e.g. registry.local:5000)."
                    + " Empty: such references are only looked for on the gateway. The gateway never pulls from a"
                    + " public registry by itself.")
    String defaultRegistry() default "";

    @AttributeDefinition(name = "Default stop grace (s)", min = "0", max = "3600",
            description = "Seconds between SIGTERM and SIGKILL when an instance is stopped without a grace of its own"
                    + " (also recorded on each container, for a docker stop by hand).")
    int stopGraceSeconds() default 10;
}
