package io.hybridge.runtime.unikernel.internal.vmm;

/**
 * The guest's one network path: user networking with {@code restrict=on}, so the guest reaches
 * nothing on the host or beyond, except one forward of {@code guestAddress:guestPort} to the
 * gateway's broker on the host's loopback.
 *
 * @param guestAddress address inside the guest's user network that stands for the broker (e.g. 10.0.2.100)
 * @param guestPort    its port (1883)
 * @param hostPort     the broker's port on 127.0.0.1
 * @param relay        a program that joins its stdin/stdout to a TCP connection (socat), which the
 *                     VMM spawns for each guest connection; empty: the VMM's own single connection,
 *                     made once when the VMM starts (see {@link QemuMicrovmDriver})
 */
public record VmNetwork(String guestAddress, int guestPort, int hostPort, java.util.Optional<java.nio.file.Path> relay) {

    public VmNetwork(String guestAddress, int guestPort, int hostPort) {
        this(guestAddress, guestPort, hostPort, java.util.Optional.empty());
    }

    /** The MQTT URI the guest uses. */
    public String brokerUri() {
        return "tcp://" + guestAddress + ":" + guestPort;
    }
}
