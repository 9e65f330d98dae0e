package io.hybridge.broker.internal;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 hash of an account's password; the broker keeps only this, so the
 * clear text does not sit in the heap for as long as the account exists.
 *
 * <p>The iteration count is modest on purpose: every MQTT CONNECT pays it, on boards as small as
 * a Raspberry Pi, and the clear text is in Config Admin's store anyway, so the hash guards a heap
 * dump, not a leaked password database.
 */
final class PasswordHash {

    static final int ITERATIONS = 10_000;
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int KEY_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] salt;
    private final byte[] hash;

    private PasswordHash(byte[] salt, byte[] hash) {
        this.salt = salt;
        this.hash = hash;
    }

    static PasswordHash of(String password) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        char[] chars = password.toCharArray();
        try {
            return new PasswordHash(salt, derive(chars, salt));
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    /**
     * Whether the password a client sent (the raw bytes of an MQTT CONNECT) is this password.
     * Takes the same time whether or not it matches; bytes that are not UTF-8 never match.
     */
    boolean matches(byte[] candidate) {
        if (candidate == null) {
            return false;
        }
        char[] chars = decodeUtf8(candidate);
        boolean decodable = chars != null;
        if (!decodable) {
            chars = new char[0]; // still derive, so a malformed password costs the same time
        }
        try {
            return MessageDigest.isEqual(hash, derive(chars, salt)) && decodable;
        } finally {
            Arrays.fill(chars, '\0');
        }
    }

    private static char[] decodeUtf8(byte[] bytes) {
        try {
            CharBuffer decoded = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            char[] chars = new char[decoded.remaining()];
            decoded.get(chars);
            Arrays.fill(decoded.array(), '\0');
            return chars;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static byte[] derive(char[] password, byte[] salt) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, ITERATIONS, KEY_BITS);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // PBKDF2WithHmacSHA256 is mandatory in every Java SE 8+ runtime
            throw new IllegalStateException(ALGORITHM + " is not available in this JVM", e);
        } finally {
            spec.clearPassword();
        }
    }

    @Override
    public String toString() {
        return "PasswordHash[PBKDF2WithHmacSHA256]"; // never the hash or salt
    }
}
