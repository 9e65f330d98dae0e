package io.hybridge.deploy.internal.ota;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

import io.hybridge.api.crypto.Digests;

/**
 * The expected hash of a unit, {@code dp.download.hash} = {@code ALGO:hex} as Kura writes it
 * ({@code SHA-256:9f86…}, {@code MD5:…}). Any digest the JDK knows is accepted; the gateway
 * computes SHA-256 besides, because the signature and the unit store use it.
 */
record UnitHash(String algorithm, String hex) {

    static UnitHash parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("dp.download.hash: '" + text + "' is not ALGO:hex, e.g. SHA-256:9f86d0…");
        }
        String algorithm = text.substring(0, colon).trim().toUpperCase(Locale.ROOT);
        String hex = text.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException("dp.download.hash: algorithm " + algorithm + " is unknown; use SHA-256");
        }
        if (!hex.matches("[0-9a-f]+") || hex.length() != digest.getDigestLength() * 2) {
            throw new IllegalArgumentException("dp.download.hash: '" + hex + "' is not " + digest.getDigestLength() * 2
                    + " hex digits of " + algorithm);
        }
        return new UnitHash(algorithm, hex);
    }

    MessageDigest newDigest() {
        try {
            return Digests.newDigest(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean isSha256() {
        return algorithm.equals("SHA-256");
    }

    void check(byte[] actual) throws DeployException {
        String got = HexFormat.of().formatHex(actual);
        if (!got.equals(hex)) {
            throw new DeployException("wrong hash: the file's " + algorithm + " is " + got + ", dp.download.hash expects " + hex);
        }
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
