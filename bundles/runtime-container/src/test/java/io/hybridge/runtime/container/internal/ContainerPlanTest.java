package io.hybridge.runtime.container.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.Ports;

import io.hybridge.api.workload.BusEndpoint;
import io.hybridge.api.workload.InstanceRequest;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

class ContainerPlanTest {

    private static final String IMAGE = "127.0.0.1:15000/hybridge-test/busybox:1";
    private static final BusEndpoint BUS = new BusEndpoint(1883, "wl-vision", "s3cret", "vision-0");

    private static ContainerPlan plan(WorkloadSpec spec, Optional<BusEndpoint> bus) {
        return ContainerPlan.of(new InstanceRequest("gw-1", spec, "hash1", 0, bus), IMAGE, Duration.ofSeconds(7));
    }

    @Test
    void limitsBecomeNanoCpusMemoryWithoutSwapAndPids() {
        HostConfig host = plan(Specs.spec("vision").resources(0.5, 256, 64).build(), Optional.empty()).hostConfig();
        assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
        assertThat(host.getMemory()).isEqualTo(256L * 1024 * 1024);
        assertThat(host.getMemorySwap()).as("no swap on top of the limit").isEqualTo(256L * 1024 * 1024);
        assertThat(host.getPidsLimit()).isEqualTo(64L);
    }

    @Test
    void noLimitsSetsNone() {
        HostConfig host = plan(Specs.spec("vision").build(), Optional.empty()).hostConfig();
        assertThat(host.getNanoCPUs()).isNull();
        assertThat(host.getMemory()).isNull();
        assertThat(host.getMemorySwap()).isNull();
        assertThat(host.getPidsLimit()).isNull();
    }

    @Test
    void theEngineNeverRestartsTheSupervisorDoes() {
        HostConfig host = plan(Specs.spec("vision").build(), Optional.empty()).hostConfig();
        // docker-java's "no" policy is the empty name, which the engine records as "no" (checked in the engine test)
        assertThat(host.getRestartPolicy().getName()).isEmpty();
        assertThat(host.getRestartPolicy().getMaximumRetryCount()).isIn(null, 0);
    }

    @Test
    void theEnginesLogFilesAreBoundedBySpecsMaxLines() {
        HostConfig host = plan(Specs.spec("vision").build(), Optional.empty()).hostConfig();
        // default logs.maxLines 1000 × 512 B is below the 1 MiB floor; two files: a chatty workload never fills the disk
        assertThat(host.getLogConfig().getType().getType()).isEqualTo("json-file");
        assertThat(host.getLogConfig().getConfig()).containsEntry("max-size", "1048576").containsEntry("max-file", "2");
    }

    @Test
    void nameLabelsStopTimeoutAndCommandComeFromTheRequest() {
        ContainerPlan plan = plan(Specs.spec("vision").command("sh", "-c", "sleep 1").build(), Optional.empty());
        assertThat(plan.name()).isEqualTo("hb-gw-1-vision-0");
        assertThat(plan.image()).isEqualTo(IMAGE);
        assertThat(plan.labels()).containsEntry("io.hybridge.managed", "true").containsEntry("io.hybridge.gateway", "gw-1")
                .containsEntry("io.hybridge.workload", "vision").containsEntry("io.hybridge.replica", "0")
                .containsEntry("io.hybridge.spec-hash", "hash1");
        assertThat(plan.command()).containsExactly("sh", "-c", "sleep 1");
        assertThat(plan.stopTimeout()).isEqualTo(7);
    }

    @Test
    void portsArePublishedOnTheirHostAddressAndExposed() {
        ContainerPlan plan = plan(Specs.spec("web").ports(new Port("127.0.0.1", 18080, 80, "tcp"), new Port("", 5353, 53, "udp")).build(),
                Optional.empty());
        Ports.Binding[] tcp = plan.hostConfig().getPortBindings().getBindings().get(ExposedPort.tcp(80));
        assertThat(tcp).hasSize(1);
        assertThat(tcp[0].getHostIp()).isEqualTo("127.0.0.1");
        assertThat(tcp[0].getHostPortSpec()).isEqualTo("18080");
        Ports.Binding[] udp = plan.hostConfig().getPortBindings().getBindings().get(ExposedPort.udp(53));
        assertThat(udp[0].getHostIp()).as("all interfaces").isNull();
        assertThat(plan.exposedPorts()).containsExactlyInAnyOrder(ExposedPort.tcp(80), ExposedPort.udp(53));
        assertThat(plan.publishedPorts()).isEqualTo("127.0.0.1:18080/tcp, 5353/udp");
    }

    @Test
    void volumesBecomeBindNamedAndSizedTmpfsMounts() {
        HostConfig host = plan(Specs.spec("vision").volumes(
                new Volume(VolumeType.BIND, "/var/lib/models", "/models", true, 0),
                new Volume(VolumeType.VOLUME, "vision-cache", "/cache", false, 0),
                new Volume(VolumeType.TMPFS, "", "/tmp", false, 16)).build(), Optional.empty()).hostConfig();
        List<Mount> mounts = host.getMounts();
        assertThat(mounts).hasSize(3);
        assertThat(mounts.get(0).getType()).isEqualTo(MountType.BIND);
        assertThat(mounts.get(0).getSource()).isEqualTo("/var/lib/models");
        assertThat(mounts.get(0).getReadOnly()).isTrue();
        assertThat(mounts.get(1).getType()).isEqualTo(MountType.VOLUME);
        assertThat(mounts.get(1).getSource()).isEqualTo("vision-cache");
        assertThat(mounts.get(2).getType()).isEqualTo(MountType.TMPFS);
        assertThat(mounts.get(2).getTarget()).isEqualTo("/tmp");
        assertThat(mounts.get(2).getTmpfsOptions().getSizeBytes()).isEqualTo(16L * 1024 * 1024);
    }

    @Test
    void devicesKeepTheirPathsAndCgroupPermissions() {
        HostConfig host = plan(Specs.spec("cam").devices(new Device("/dev/video0", "/dev/cam", "rw"), new Device("/dev/ttyUSB0", null, null))
                .build(), Optional.empty()).hostConfig();
        assertThat(host.getDevices()).hasSize(2);
        assertThat(host.getDevices()[0].getPathOnHost()).isEqualTo("/dev/video0");
        assertThat(host.getDevices()[0].getPathInContainer()).isEqualTo("/dev/cam");
        assertThat(host.getDevices()[0].getcGroupPermissions()).isEqualTo("rw");
        assertThat(host.getDevices()[1].getPathInContainer()).isEqualTo("/dev/ttyUSB0");
        assertThat(host.getDevices()[1].getcGroupPermissions()).isEqualTo("rwm");
    }

    @Test
    void networkAndReadOnlyRootPassThrough() {
        HostConfig host = plan(Specs.spec("vision").network("host").readOnly(true).build(), Optional.empty()).hostConfig();
        assertThat(host.getNetworkMode()).isEqualTo("host");
        assertThat(host.getReadonlyRootfs()).isTrue();
        assertThat(plan(Specs.spec("vision").build(), Optional.empty()).hostConfig().getNetworkMode()).isEqualTo("bridge");
    }

    @Test
    void aBridgedInstanceReachesTheBrokerThroughTheHostGateway() {
        ContainerPlan plan = plan(Specs.spec("vision").env(Map.of("B", "2", "A", "1")).build(), Optional.of(BUS));
        assertThat(plan.env()).containsExactly("A=1", "B=2", "MQTT_CLIENT_ID=vision-0", "MQTT_PASSWORD=s3cret",
                "MQTT_URI=tcp://host.docker.internal:1883", "MQTT_USERNAME=wl-vision");
        assertThat(plan.hostConfig().getExtraHosts()).containsExactly("host.docker.internal:host-gateway");
    }

    @Test
    void aHostNetworkedInstanceReachesTheBrokerOnLoopback() {
        ContainerPlan plan = plan(Specs.spec("vision").network("host").build(), Optional.of(BUS));
        assertThat(plan.env()).contains("MQTT_URI=tcp://127.0.0.1:1883");
        assertThat(plan.hostConfig().getExtraHosts()).isNull();
    }

    @Test
    void theGatewaysBusAccountWinsOverTheSpecsEnvironment() {
        ContainerPlan plan = plan(Specs.spec("vision").env(Map.of("MQTT_URI", "tcp://elsewhere:1883")).build(), Optional.of(BUS));
        assertThat(plan.env()).contains("MQTT_URI=tcp://host.docker.internal:1883").doesNotContain("MQTT_URI=tcp://elsewhere:1883");
    }

    @Test
    void withoutBusNoMqttVariablesAreSet() {
        assertThat(plan(Specs.spec("vision").build(), Optional.empty()).env()).noneMatch(entry -> entry.startsWith("MQTT_"));
    }

    @Test
    void busAccessWithoutNetworkIsRefused() {
        assertThatThrownBy(() -> plan(Specs.spec("vision").network("none").build(), Optional.of(BUS)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("network: 'none'");
    }

    @Test
    void optionsSetUserGroupsAndShmSize() {
        ContainerPlan plan = plan(Specs.spec("cam").options(Map.of("user", "10001:10001", "groupAdd", "44, video", "shmSizeMiB", "128"))
                .build(), Optional.empty());
        assertThat(plan.user()).isEqualTo("10001:10001");
        assertThat(plan.hostConfig().getGroupAdd()).containsExactly("44", "video");
        assertThat(plan.hostConfig().getShmSize()).isEqualTo(128L * 1024 * 1024);
    }
}
