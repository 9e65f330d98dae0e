package io.hybridge.deploy.internal.ota;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's Ed25519 public keys this gateway trusts, by key id (the first 16 hex characters of
 * SHA-256 over the key's X.509 SubjectPublicKeyInfo DER — what the fleet tool prints and sends as
 * {@code dp.signature.key}). A unit's signature covers the raw 32-byte SHA-256 digest of the unit
 * file, so the gateway verifies it from the digest it computed while downloading, without reading
 * the file again.
 */
final class TrustedKeys {

    private final Map<String, PublicKey> keys;
    private final List<String> problems;

    private TrustedKeys(Map<String, PublicKey> keys, List<String> problems) {
        this.keys = keys;
        this.problems = problems;
    }

    /** Parses the configured keys; an unusable entry is left out and listed in {@link #problems()}. */
    static TrustedKeys parse(String[] configured) {
        Map<String, PublicKey> keys = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        int index = 0;
        for (String entry : configured == null ? new String[0] : configured) {
            index++;
            if (entry == null || entry.isBlank()) {
                continue;
            }
            try {
                byte[] der = der(entry);
                PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
                keys.put(keyId(der), key);
            } catch (IllegalArgumentException | GeneralSecurityException e) {
                problems.add("trustedKeys[" + index + "] is not an Ed25519 public key (base64 X.509"
                        + " SubjectPublicKeyInfo or PEM): " + e.getMessage());
            }
        }
        return new TrustedKeys(Map.copyOf(keys), List.copyOf(problems));
    }

    static String keyId(byte[] spkiDer) {
        return HexFormat.of().formatHex(sha256(spkiDer)).substring(0, 16);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static byte[] der(String entry) {
        String text = entry.trim();
        if (text.startsWith("-----BEGIN")) {
            text = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "");
        }
        return Base64.getMimeDecoder().decode(text.replaceAll("\\s", "").getBytes(StandardCharsets.US_ASCII));
    }

    List<String> problems() {
        return problems;
    }

    java.util.Set<String> ids() {
        return keys.keySet();
    }

    /**
     * Checks {@code signatureBase64} over {@code sha256Digest}.
     *
     * @param keyId the signer's key id, or {@code null} to try every trusted key
     * @throws DeployException naming what is wrong: unknown key, undecodable or not matching signature
     */
    void verify(byte[] sha256Digest, String signatureBase64, String keyId) throws DeployException {
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureBase64.trim());
        } catch (IllegalArgumentException e) {
            throw new DeployException("dp.signature is not base64: " + e.getMessage());
        }
        List<PublicKey> candidates;
        if (keyId != null && !keyId.isBlank()) {
            PublicKey key = keys.get(keyId.trim().toLowerCase(java.util.Locale.ROOT));
            if (key == null) {
                throw new DeployException("bad signature: key " + keyId + " is not trusted by this gateway (trusted: "
                        + (keys.isEmpty() ? "none; set trustedKeys of " + DeploymentAgent.PID : String.join(", ", keys.keySet()))
                        + ")");
            }
            candidates = List.of(key);
        } else {
            candidates = List.copyOf(keys.values());
        }
        for (PublicKey key : candidates) {
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(key);
                verifier.update(sha256Digest);
                if (verifier.verify(signature)) {
                    return;
                }
            } catch (GeneralSecurityException e) {
                // a malformed signature does not verify with this key; try the next
            }
        }
        throw new DeployException("bad signature: dp.signature does not verify the unit's SHA-256 digest with "
                + (keyId != null && !keyId.isBlank() ? "key " + keyId : candidates.isEmpty()
                        ? "any key (none is trusted; set trustedKeys of " + DeploymentAgent.PID + ")" : "any trusted key"));
    }
}
