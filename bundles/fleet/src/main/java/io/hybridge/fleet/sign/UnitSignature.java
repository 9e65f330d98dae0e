package io.hybridge.fleet.sign;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.HexFormat;

/**
 * What the wire says about a unit file: {@code dp.download.hash = SHA-256:<hex>} and
 * {@code dp.signature} = base64 of the Ed25519 signature over the raw 32-byte SHA-256 digest,
 * with {@code dp.signature.key} naming the key.
 */
public record UnitSignature(byte[] sha256, long size, String signature, String keyId) {

    public String hashMetric() {
        return "SHA-256:" + HexFormat.of().formatHex(sha256);
    }

    public String sha256Hex() {
        return HexFormat.of().formatHex(sha256);
    }

    /** Digest and size of a file. */
    public static UnitSignature digest(Path file) throws IOException {
        MessageDigest md = newSha256();
        long size = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
                size += n;
            }
        }
        return new UnitSignature(md.digest(), size, null, null);
    }

    /** Digests the file and signs the digest. */
    public static UnitSignature sign(Path file, UnitKeys keys) throws IOException {
        UnitSignature digest = digest(file);
        if (keys.publicKey() == null) {
            throw new IOException("the signing key has no public key file (<name>.pub) beside it;"
                    + " the public key names the key on the wire (dp.signature.key)");
        }
        return new UnitSignature(digest.sha256, digest.size, signDigest(digest.sha256, keys.privateKey()), keys.keyId());
    }

    public static String signDigest(byte[] digest, PrivateKey key) {
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initSign(key);
            ed.update(digest);
            return Base64.getEncoder().encodeToString(ed.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an Ed25519 key: " + e.getMessage(), e);
        }
    }

    public static boolean verify(byte[] digest, String base64Signature, PublicKey key) {
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initVerify(key);
            ed.update(digest);
            return ed.verify(Base64.getDecoder().decode(base64Signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
