package io.hybridge.fleet.sim;

import java.security.PublicKey;
import java.time.Duration;

/**
 * How simulated gateways behave. Agents are picked for a fraction deterministically and evenly
 * spread by index (fraction 0.25: agents 3, 7, 11, …), so a test knows which ones fail.
 *
 * @param failFraction     fraction of agents whose install fails
 * @param failMode         {@code FAILED} (install fails) or {@code ROLLED_BACK} (health gate fails, previous version kept)
 * @param failVersion      only installs of this version fail ({@code null}: any)
 * @param downloadFraction fraction of agents that really download the file (the others only report progress)
 * @param verifyFraction   fraction of the downloading agents that check the SHA-256 (and the signature, with a key)
 * @param installDelay     time an install takes, health gate included
 * @param trustedKey       Ed25519 key to check {@code dp.signature} with, or {@code null}
 */
public record SimBehaviour(double failFraction, String failMode, String failVersion, double downloadFraction,
        double verifyFraction, Duration installDelay, PublicKey trustedKey) {

    public static SimBehaviour healthy() {
        return new SimBehaviour(0, "FAILED", null, 1.0, 1.0, Duration.ofMillis(50), null);
    }

    public SimBehaviour failing(double fraction, String mode, String version) {
        return new SimBehaviour(fraction, mode, version, downloadFraction, verifyFraction, installDelay, trustedKey);
    }

    public SimBehaviour downloading(double download, double verify) {
        return new SimBehaviour(failFraction, failMode, failVersion, download, verify, installDelay, trustedKey);
    }

    public SimBehaviour installTaking(Duration delay) {
        return new SimBehaviour(failFraction, failMode, failVersion, downloadFraction, verifyFraction, delay, trustedKey);
    }

    public SimBehaviour trusting(PublicKey key) {
        return new SimBehaviour(failFraction, failMode, failVersion, downloadFraction, verifyFraction, installDelay, key);
    }

    boolean fails(int index, String version) {
        return picked(index, failFraction) && (failVersion == null || failVersion.equals(version));
    }

    boolean downloads(int index) {
        return picked(index, downloadFraction);
    }

    boolean verifies(int index) {
        return picked(index, verifyFraction);
    }

    /** Whether agent {@code index} is among the given fraction: the count up to it grows at this index. */
    static boolean picked(int index, double fraction) {
        return Math.floor((index + 1) * fraction + 1e-9) > Math.floor(index * fraction + 1e-9);
    }
}
