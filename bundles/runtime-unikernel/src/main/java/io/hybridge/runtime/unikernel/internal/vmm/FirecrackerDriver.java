package io.hybridge.runtime.unikernel.internal.vmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Firecracker, used only when its binary is on the PATH. <b>Untested against a real
 * Firecracker</b> (it is not installable on the build machines): what is verified is the
 * configuration it is given. One JSON file ({@code --config-file}: boot source, machine config,
 * no drives, no network), the API socket for the stop request ({@code SendCtrlAltDel}, which the
 * guest kernel turns into a reboot, i.e. the end of the VM), the serial console on standard
 * output (the runtime sends it to {@code console.log}). KVM only. Firecracker has no user
 * networking: a guest that needs the broker cannot be served by it (a tap device and host
 * firewall rules would be needed, which the runtime does not set up).
 */
public final class FirecrackerDriver implements VmmDriver {

    public static final String ID = "firecracker";

    private final Optional<Path> binary;

    public FirecrackerDriver(Optional<Path> binary) {
        this.binary = binary;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Optional<Path> binary() {
        return binary;
    }

    @Override
    public Set<Accelerator> accelerators() {
        return EnumSet.of(Accelerator.KVM);
    }

    @Override
    public boolean supportsBrokerForward() {
        return false;
    }

    @Override
    public LaunchPlan plan(VmLaunch launch, Path firecracker) {
        if (launch.accelerator() != Accelerator.KVM) {
            throw new IllegalArgumentException("Firecracker runs guests under KVM only, not " + launch.accelerator().id());
        }
        if (launch.network().isPresent()) {
            throw new IllegalArgumentException("Firecracker has no user networking to forward the broker; use the qemu hypervisor"
                    + " for a workload with bus access");
        }
        Path config = launch.dir().file("firecracker.json");
        return new LaunchPlan(List.of(firecracker.toString(), "--id", launch.name(), "--api-sock",
                launch.dir().controlSocket().toString(), "--config-file", config.toString()),
                Map.of(config, configJson(launch)), false);
    }

    static String configJson(VmLaunch launch) {
        StringBuilder json = new StringBuilder("{\n  \"boot-source\": {\"kernel_image_path\": ").append(quote(launch.image().kernel().toString()));
        launch.image().initrd().ifPresent(initrd -> json.append(", \"initrd_path\": ").append(quote(initrd.toString())));
        json.append(", \"boot_args\": ").append(quote(launch.cmdline())).append("},\n")
                .append("  \"drives\": [],\n")
                .append("  \"machine-config\": {\"vcpu_count\": ").append(launch.vcpus())
                .append(", \"mem_size_mib\": ").append(launch.memoryMiB()).append(", \"smt\": false},\n")
                .append("  \"network-interfaces\": []\n}\n");
        return json.toString();
    }

    static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public String askToStop(InstanceDir dir, ProcessHandle vmm, ControlLine line) throws IOException {
        String body = "{\"action_type\": \"SendCtrlAltDel\"}";
        String request = "PUT /actions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(dir.controlSocket()));
            OutputStream out = Channels.newOutputStream(channel);
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = Channels.newInputStream(channel);
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            if (!status.startsWith("HTTP/1.1 2")) {
                throw new IOException("Firecracker refused SendCtrlAltDel: " + status);
            }
        }
        return "Ctrl-Alt-Del through Firecracker's API";
    }
}
