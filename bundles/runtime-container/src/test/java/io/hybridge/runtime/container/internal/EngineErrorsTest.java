package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.InternalServerErrorException;
import com.github.dockerjava.api.exception.NotFoundException;

import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.Port;

/** The engine's own words (Docker 20.10) map to the reasons the supervisor acts on. */
class EngineErrorsTest {

    private static final String URI = "unix:///var/run/docker.sock";
    private static final ImageReference REFERENCE = ImageReference.parse("127.0.0.1:15000/probe/bb:1");
    private static final ContainerPlan PLAN = ContainerPlan.of(new InstanceRequest("gw", Specs.spec("web")
            .ports(new Port("", 18181, 80, "tcp")).devices(new Device("/dev/nope", null, null)).build(), "h", 0, Optional.empty()),
            "img:1", Duration.ofSeconds(10));

    private static InternalServerErrorException engine500(String message) {
        return new InternalServerErrorException("{\"message\":\"" + message.replace("\"", "\\\"") + "\"}\n");
    }

    @Test
    void theEnginesJsonMessageIsExtractedAndUnescaped() {
        assertThat(EngineErrors.engineMessage(engine500("Head \"http://x/v2/\": no basic auth credentials")))
                .isEqualTo("Head \"http://x/v2/\": no basic auth credentials");
        assertThat(EngineErrors.engineMessage(new DockerClientException("Could not pull image: manifest unknown")))
                .isEqualTo("manifest unknown");
    }

    @Test
    void aPortTakenByAContainerOrAHostProcessIsPortInUseNamingThePort() {
        WorkloadException allocated = EngineErrors.forStart(engine500("driver failed programming external connectivity on endpoint"
                + " hb-gw-web-0 (70f2): Bind for 0.0.0.0:18181 failed: port is already allocated"), PLAN, URI);
        assertThat(allocated.reason()).isEqualTo(Reason.PORT_IN_USE);
        assertThat(allocated.getMessage()).contains("host port 18181 is already in use", "18181/tcp");
        WorkloadException inUse = EngineErrors.forStart(engine500("driver failed programming external connectivity on endpoint"
                + " x (1): Error starting userland proxy: listen tcp4 0.0.0.0:18181: bind: address already in use"), PLAN, URI);
        assertThat(inUse.reason()).isEqualTo(Reason.PORT_IN_USE);
        assertThat(inUse.getMessage()).contains("host port 18181");
    }

    @Test
    void aMissingDeviceIsDeviceMissingNamingTheDevice() {
        WorkloadException e = EngineErrors.forStart(engine500("error gathering device information while adding custom device"
                + " \"/dev/nope\": no such file or directory"), PLAN, URI);
        assertThat(e.reason()).isEqualTo(Reason.DEVICE_MISSING);
        assertThat(e.getMessage()).contains("device /dev/nope does not exist");
    }

    @Test
    void tooManyCpusIsInsufficientResources() {
        assertThat(EngineErrors.forStart(engine500("Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available"), PLAN, URI)
                .reason()).isEqualTo(Reason.INSUFFICIENT_RESOURCES);
    }

    @Test
    void aMissingImageAtCreateIsImageNotFound() {
        assertThat(EngineErrors.forStart(new NotFoundException("{\"message\":\"No such image: img:1\"}"), PLAN, URI).reason())
                .isEqualTo(Reason.IMAGE_NOT_FOUND);
    }

    @Test
    void anythingElseAtStartIsStartFailedWithTheEnginesMessage() {
        WorkloadException e = EngineErrors.forStart(engine500("failed to create shim task: OCI runtime create failed: exec: \"/nope\":"
                + " stat /nope: no such file or directory: unknown"), PLAN, URI);
        assertThat(e.reason()).isEqualTo(Reason.START_FAILED);
        assertThat(e.getMessage()).contains("hb-gw-web-0", "img:1", "stat /nope");
    }

    @Test
    void registryRefusalsAreRegistryAuth() {
        assertThat(EngineErrors.forPull(engine500("Head \"http://127.0.0.1:15000/v2/probe/bb/manifests/1\": no basic auth credentials"),
                REFERENCE, URI).reason()).isEqualTo(Reason.REGISTRY_AUTH);
        WorkloadException wrong = EngineErrors.forPull(engine500("unauthorized: authentication required"), REFERENCE, URI);
        assertThat(wrong.reason()).isEqualTo(Reason.REGISTRY_AUTH);
        assertThat(wrong.getMessage()).contains("127.0.0.1:15000 refused the credentials", "io.hybridge.runtime.container.registry");
    }

    @Test
    void anUnknownTagOrDigestIsImageNotFound() {
        WorkloadException e = EngineErrors.forPull(new NotFoundException("{\"message\":\"manifest for 127.0.0.1:15000/probe/bb:2 not found:"
                + " manifest unknown: manifest unknown\"}"), REFERENCE, URI);
        assertThat(e.reason()).isEqualTo(Reason.IMAGE_NOT_FOUND);
        assertThat(e.getMessage()).contains("has no tag 1 of probe/bb");
    }

    @Test
    void anUnreachableRegistryIsRegistryUnavailable() {
        assertThat(EngineErrors.forPull(engine500("Get \"http://127.0.0.1:15009/v2/\": dial tcp 127.0.0.1:15009: connect: connection refused"),
                REFERENCE, URI).reason()).isEqualTo(Reason.REGISTRY_UNAVAILABLE);
    }

    @Test
    void contentThatDoesNotMatchItsDigestIsImageInvalid() {
        assertThat(EngineErrors.forPull(new DockerClientException("Could not pull image: filesystem layer verification failed for digest sha256:ab"),
                REFERENCE, URI).reason()).isEqualTo(Reason.IMAGE_INVALID);
    }

    @Test
    void anIoFailureReachingTheEngineIsEngineUnavailable() {
        RuntimeException refused = new RuntimeException(new ConnectException("Connection refused"));
        assertThat(EngineErrors.engineUnreachable(refused)).isTrue();
        WorkloadException e = EngineErrors.forStart(refused, PLAN, URI);
        assertThat(e.reason()).isEqualTo(Reason.ENGINE_UNAVAILABLE);
        assertThat(e.getMessage()).isEqualTo("engine not reachable at " + URI + ": Connection refused; start dockerd or set engineUri");
        assertThat(EngineErrors.engineUnreachable(engine500("x"))).as("the engine answered").isFalse();
        assertThat(EngineErrors.engineUnreachable(new IllegalStateException(new IOException("x")))).isTrue();
    }

    @Test
    void portAndDeviceAreFoundInTheEnginesWords() {
        assertThat(EngineErrors.port("Bind for [::]:8080 failed: port is already allocated")).contains("8080");
        assertThat(EngineErrors.port("nothing here")).isEmpty();
        assertThat(EngineErrors.device("adding custom device \"/dev/video9\": no such file")).contains("/dev/video9");
    }
}
