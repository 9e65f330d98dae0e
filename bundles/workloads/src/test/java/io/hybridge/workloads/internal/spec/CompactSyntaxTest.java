package io.hybridge.workloads.internal.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.hybridge.api.workload.WorkloadSpec.Device;
import io.hybridge.api.workload.WorkloadSpec.Port;
import io.hybridge.api.workload.WorkloadSpec.Volume;
import io.hybridge.api.workload.WorkloadSpec.VolumeType;

/** The compact strings for ports, devices and volumes shared by the JSON and Config Admin forms. */
class CompactSyntaxTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "8080:80|             |8080|80|tcp|8080:80",
        "8080:80/udp|         |8080|80|udp|8080:80/udp",
        "127.0.0.1:53:53/udp| 127.0.0.1|53|53|udp|127.0.0.1:53:53/udp",
        "[::1]:8080:80|       ::1|8080|80|tcp|[::1]:8080:80",
        " 8080:80/tcp |       |8080|80|tcp|8080:80"})
    void readsAndWritesPorts(String text, String hostIp, int hostPort, int containerPort, String protocol, String written) {
        Port port = PortSyntax.parse(text);

        assertThat(port).isEqualTo(new Port(hostIp, hostPort, containerPort, protocol));
        assertThat(PortSyntax.format(port)).isEqualTo(written);
    }

    @ParameterizedTest
    @ValueSource(strings = {"80", "a:b", "80:x", "1:2:3:4", "[::1:80:80", "123456:80", ":80", ""})
    void namesWhatIsNotAPortMapping(String text) {
        assertThatThrownBy(() -> PortSyntax.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(Problems.show(text) + " is not a port mapping (")
                .hasMessageEndingWith("; use " + PortSyntax.FORM);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/dev/video0|                  /dev/video0|/dev/video0|rwm|/dev/video0",
        "/dev/ttyUSB0:/dev/ttyS0|      /dev/ttyUSB0|/dev/ttyS0|rwm|/dev/ttyUSB0:/dev/ttyS0",
        "/dev/ttyUSB0:/dev/ttyS0:rw|   /dev/ttyUSB0|/dev/ttyS0|rw|/dev/ttyUSB0:/dev/ttyS0:rw",
        "/dev/video0:r|                /dev/video0|/dev/video0|r|/dev/video0:/dev/video0:r"})
    void readsAndWritesDevices(String text, String hostPath, String containerPath, String permissions, String written) {
        Device device = DeviceSyntax.parse(text);

        assertThat(device).isEqualTo(new Device(hostPath, containerPath, permissions));
        assertThat(DeviceSyntax.format(device)).isEqualTo(written);
        assertThat(DeviceSyntax.parse(written)).isEqualTo(device);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ":/dev/x", "/dev/a:/dev/b:rw:x"})
    void namesWhatIsNotADevice(String text) {
        assertThatThrownBy(() -> DeviceSyntax.parse(text)).hasMessageStartingWith(Problems.show(text) + " is not a device (")
                .hasMessageEndingWith("; use " + DeviceSyntax.FORM);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "tmpfs:/tmp|                 TMPFS||/tmp|false|0|tmpfs:/tmp",
        "tmpfs:/tmp:size=16|         TMPFS||/tmp|false|16|tmpfs:/tmp:size=16",
        "tmpfs:/tmp:size=16,ro|      TMPFS||/tmp|true|16|tmpfs:/tmp:size=16:ro",
        "bind:/data:/data:ro|        BIND|/data|/data|true|0|bind:/data:/data:ro",
        "bind:/data:/data:rw|        BIND|/data|/data|false|0|bind:/data:/data",
        "volume:cache:/var/cache|    VOLUME|cache|/var/cache|false|0|volume:cache:/var/cache"})
    void readsAndWritesVolumes(String text, VolumeType type, String source, String target, boolean readOnly, long sizeMiB,
                               String written) {
        Volume volume = VolumeSyntax.parse(text);

        assertThat(volume).isEqualTo(new Volume(type, source, target, readOnly, sizeMiB));
        assertThat(VolumeSyntax.format(volume)).isEqualTo(written);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "nfs:/a:/b", "tmpfs", "bind:/data", "volume:cache", "bind:/a:/b:size=5",
        "tmpfs:/tmp:size=lots", "tmpfs:/tmp:exec"})
    void namesWhatIsNotAMount(String text) {
        assertThatThrownBy(() -> VolumeSyntax.parse(text)).hasMessageStartingWith(Problems.show(text) + " is not a mount (")
                .hasMessageEndingWith("; use " + VolumeSyntax.FORM);
    }
}
