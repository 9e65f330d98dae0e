package io.hybridge.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code admin} account's password. It comes from {@code HYBRIDGE_ADMIN_PASSWORD} or,
 * when that is unset, is generated on the first start and written once to
 * {@code var/admin.password} (owner-only). Either way only a salted PBKDF2 hash is kept, in
 * {@code var/security/admin.hash} (owner-only).
 *
 * <p>Basic authentication sends the password with every request, and PBKDF2 is slow by
 * design; so a verified password is remembered as a keyed SHA-256 digest (the key is
 * random per process) and later requests compare against that. For the same reason a
 * password from the environment is compared with the stored hash at the first login, not
 * at start-up, where a quarter second of hashing would delay every boot of the gateway.
 */
final class AdminCredentials {

    static final String USER = "admin";
    private static final Logger LOG = LoggerFactory.getLogger(AdminCredentials.class);
    private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

    private final byte[] pepper = new byte[32];
    private final Path hashFile;
    private final int iterations;
    /** The environment's password until it has been reconciled with the stored hash. */
    private String fromEnvironment;
    private PasswordHash hash;
    private volatile byte[] verifiedDigest;

    private AdminCredentials(PasswordHash hash, String fromEnvironment, Path hashFile, int iterations) {
        this.hash = hash;
        this.fromEnvironment = fromEnvironment;
        this.hashFile = hashFile;
        this.iterations = iterations;
        new SecureRandom().nextBytes(pepper);
    }

    /**
     * Sets up the credentials under {@code varDir}.
     *
     * @param fromEnvironment the password from {@code HYBRIDGE_ADMIN_PASSWORD}, or null
     */
    static AdminCredentials initialize(Path varDir, String fromEnvironment, int iterations) throws IOException {
        Path hashFile = varDir.resolve("security/admin.hash");
        Path passwordFile = varDir.resolve("admin.password");
        Files.createDirectories(hashFile.getParent());
        PasswordHash stored = Files.isRegularFile(hashFile) ? PasswordHash.parse(Files.readString(hashFile)) : null;

        if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
            // a generated password that no longer applies must not linger on disk
            Files.deleteIfExists(passwordFile);
            return new AdminCredentials(stored, fromEnvironment, hashFile, iterations);
        }
        if (stored == null) {
            // reads the file when writePasswordIfMissing ran first, or when a previous start
            // died between writing it and storing its hash; generates it otherwise
            String password = writePasswordIfMissing(varDir, null);
            stored = PasswordHash.create(password.toCharArray(), iterations);
            writeOwnerOnly(hashFile, stored.encode());
        } else if (Files.isRegularFile(passwordFile)) {
            LOG.info("web console user '{}': password in {}", USER, passwordFile);
        }
        return new AdminCredentials(stored, null, hashFile, iterations);
    }

    /**
     * On a first start without {@code HYBRIDGE_ADMIN_PASSWORD}: generates the password and
     * writes {@code var/admin.password} at once — cheap, so it can run before the gateway
     * reports ready and an operator never finds the file missing. The slow hash follows in
     * {@link #initialize}. Returns the password in the file, or null when none is needed.
     */
    static String writePasswordIfMissing(Path varDir, String fromEnvironment) throws IOException {
        Path passwordFile = varDir.resolve("admin.password");
        if ((fromEnvironment != null && !fromEnvironment.isEmpty()) || Files.isRegularFile(varDir.resolve("security/admin.hash"))) {
            return null;
        }
        if (Files.isRegularFile(passwordFile)) {
            return Files.readString(passwordFile).trim();
        }
        Files.createDirectories(varDir);
        String generated = generate(20);
        writeOwnerOnly(passwordFile, generated + "\n");
        LOG.warn("generated a web console password for '{}'; it is in {} (readable by the owner only). "
                + "Set HYBRIDGE_ADMIN_PASSWORD to choose your own.", USER, passwordFile);
        return generated;
    }

    /** Makes the stored hash that of the environment's password, once, before the first check. */
    private synchronized PasswordHash currentHash() {
        if (fromEnvironment != null) {
            char[] password = fromEnvironment.toCharArray();
            if (hash == null || !hash.matches(password)) {
                hash = PasswordHash.create(password, iterations);
                try {
                    writeOwnerOnly(hashFile, hash.encode());
                    LOG.info("web console password of '{}' set from HYBRIDGE_ADMIN_PASSWORD", USER);
                } catch (IOException e) {
                    LOG.error("cannot store the web console password hash in {}: {}", hashFile, e.toString());
                }
            }
            fromEnvironment = null;
        }
        return hash;
    }

    boolean check(String user, String password) {
        PasswordHash hash = currentHash();
        if (!USER.equals(user) || password == null) {
            // spend the same time as a real check so the user name cannot be probed by timing
            hash.matches((password == null ? "" : password).toCharArray());
            return false;
        }
        byte[] digest = digest(password);
        byte[] known = verifiedDigest;
        if (known != null && MessageDigest.isEqual(known, digest)) {
            return true;
        }
        if (hash.matches(password.toCharArray())) {
            verifiedDigest = digest;
            return true;
        }
        return false;
    }

    private byte[] digest(String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(pepper);
            return sha.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String generate(int length) {
        SecureRandom random = new SecureRandom();
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        String password = new String(chars);
        Arrays.fill(chars, '\0');
        return password;
    }

    /** Writes a file that only the owner may read, atomically (never a readable moment). */
    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("cannot create " + tmp, e);
        }
        Files.writeString(tmp, content, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
