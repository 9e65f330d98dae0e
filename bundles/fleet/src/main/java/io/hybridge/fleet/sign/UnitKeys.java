package io.hybridge.fleet.sign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The fleet's Ed25519 signing key: PEM files (PKCS#8 private, X.509 SubjectPublicKeyInfo
 * public) and the key id the wire names it by — the first 16 hex characters of SHA-256 over the
 * public key's DER, so a gateway that trusts several keys finds the right one.
 */
public final class UnitKeys {
    private final PrivateKey privateKey;
    private final PublicKey publicKey;

    private UnitKeys(PrivateKey privateKey, PublicKey publicKey) {
        this.privateKey = privateKey;
        this.publicKey = publicKey;
    }

    public static UnitKeys generate() {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new UnitKeys(pair.getPrivate(), pair.getPublic());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM has no Ed25519 (Java 15 or later has)", e);
        }
    }

    /** Writes {@code <base>.key} (private, mode 0600) and {@code <base>.pub}. */
    public void write(Path privateFile, Path publicFile) throws IOException {
        if (Files.exists(privateFile)) {
            throw new IOException(privateFile + " exists; refusing to overwrite a signing key");
        }
        Path parent = privateFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.createFile(privateFile);
        try {
            Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the directory's protection has to do
        }
        Files.writeString(privateFile, pem("PRIVATE KEY", privateKey.getEncoded()));
        Files.writeString(publicFile, pem("PUBLIC KEY", publicKey.getEncoded()));
    }

    /** Reads a private key file written by {@link #write}; the public key is derived from it. */
    public static UnitKeys readPrivate(Path privateFile) throws IOException {
        byte[] der = fromPem(privateFile, "PRIVATE KEY");
        try {
            KeyFactory factory = KeyFactory.getInstance("Ed25519");
            PrivateKey key = factory.generatePrivate(new PKCS8EncodedKeySpec(der));
            // PKCS#8 v1 holds no public key: derive it by signing nothing is not possible, so
            // look for the sibling .pub file written with it
            Path pub = siblingPublic(privateFile);
            PublicKey publicKey = Files.exists(pub) ? readPublic(pub) : null;
            return new UnitKeys(key, publicKey);
        } catch (GeneralSecurityException e) {
            throw new IOException(privateFile + " is not an Ed25519 PKCS#8 private key: " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublic(Path publicFile) throws IOException {
        byte[] der = fromPem(publicFile, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IOException(publicFile + " is not an Ed25519 X.509 public key: " + e.getMessage(), e);
        }
    }

    static Path siblingPublic(Path privateFile) {
        String name = privateFile.getFileName().toString();
        String base = name.endsWith(".key") ? name.substring(0, name.length() - 4) : name;
        return privateFile.resolveSibling(base + ".pub");
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The public key, or {@code null} if only the private key file was found. */
    public PublicKey publicKey() {
        return publicKey;
    }

    /** The key id, or {@code null} without a public key. */
    public String keyId() {
        return publicKey == null ? null : keyId(publicKey);
    }

    public static String keyId(PublicKey key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] fromPem(Path file, String type) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IOException(file + " holds no PEM block '" + begin + "'");
        }
        return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    }
}
