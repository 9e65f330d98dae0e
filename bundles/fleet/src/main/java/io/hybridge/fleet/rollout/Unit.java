package io.hybridge.fleet.rollout;

/**
 * A deployment unit the fleet knows: name and version (as gateways report them in
 * {@code deploy.packages}), where gateways get it (an external URI, or a file the fleet serves),
 * its digest and signature.
 */
public record Unit(long id, String name, String version, String uri, String filePath, String sha256Hex, long size,
        String signature, String keyId, String unitType) {

    public String label() {
        return name + "@" + version;
    }
}
