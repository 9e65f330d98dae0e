package io.hybridge.api.crypto;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Message digests for hashing large artifacts at native speed.
 *
 * <p>Why not simply {@code MessageDigest.getInstance}: the gateway JVM runs with C1 only (it
 * starts faster; see the launcher), and the JDK's SHA-256 reaches its SHA-NI intrinsic only in
 * C2 — under C1 it hashes about 130 MiB/s, slower than a loopback or LAN download. When the
 * system's NSS (Debian {@code libnss3}) is installed, digests come from the JDK's own SunPKCS11
 * provider over NSS's softoken, which runs about 1.5 GiB/s whatever the JIT does. Without NSS,
 * or when it cannot be configured, the JDK's built-in provider is used: same results, slower.
 *
 * <p>The NSS provider is configured once, on first use, and never registered with
 * {@link Security}: nothing else in the JVM (TLS, signatures) changes provider.
 */
public final class Digests {

    /** Where Debian and other distributions put {@code libsoftokn3.so}. */
    private static final List<String> NSS_DIRECTORIES = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu",
            "/usr/lib/arm-linux-gnueabihf", "/usr/lib/riscv64-linux-gnu", "/usr/lib64", "/usr/lib");

    /** Set once a digest was asked for, i.e. once {@link Native} is initialised. */
    private static volatile boolean used;

    private Digests() {
    }

    /** A fresh digest of {@code algorithm} (a JDK name: SHA-256, SHA-512, SHA-1, MD5…), native when it can be. */
    public static MessageDigest newDigest(String algorithm) throws NoSuchAlgorithmException {
        Optional<Provider> nss = Native.PROVIDER;
        used = true;
        if (nss.isPresent()) {
            try {
                return MessageDigest.getInstance(algorithm, nss.get());
            } catch (NoSuchAlgorithmException e) {
                // NSS lacks this one (e.g. SHA3 in older softokens): the JDK's below
            }
        }
        return MessageDigest.getInstance(algorithm);
    }

    /** A fresh SHA-256 digest, native when it can be. */
    public static MessageDigest sha256() {
        try {
            return newDigest("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /**
     * Which implementation {@link #newDigest} uses, for health and logs. Before the first digest it
     * says so rather than configuring NSS (~0.1 s of CPU) for a health check during start-up.
     */
    public static String implementation() {
        if (!used) {
            return "not used yet (NSS is looked up at the first hash)";
        }
        return Native.PROVIDER.map(p -> "native (NSS via SunPKCS11, " + Native.directory + ")")
                .orElse("JDK built-in (" + Native.why + ")");
    }

    /** Holder: configured on first use, by the JVM's class initialisation (once, thread-safe). */
    private static final class Native {
        private static String directory;
        private static String why;
        private static final Optional<Provider> PROVIDER = configure();

        private static Optional<Provider> configure() {
            if (Boolean.getBoolean("hybridge.digests.jdkOnly")) {
                why = "hybridge.digests.jdkOnly=true";
                return Optional.empty();
            }
            Provider base = Security.getProvider("SunPKCS11");
            if (base == null) {
                why = "this JDK has no SunPKCS11 provider";
                return Optional.empty();
            }
            String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
            if (!os.contains("linux")) {
                why = "NSS is only looked up on Linux";
                return Optional.empty();
            }
            Optional<String> found = NSS_DIRECTORIES.stream().filter(d -> Files.isReadable(Path.of(d, "libsoftokn3.so")))
                    .findFirst();
            if (found.isEmpty()) {
                why = "libsoftokn3.so not found; install NSS (Debian: libnss3) for native-speed hashing";
                return Optional.empty();
            }
            try {
                // noDb: the softoken's crypto without a key database; nothing is written anywhere
                Provider nss = base.configure("--name=hybridge-digests\nnssLibraryDirectory=" + found.get()
                        + "\nnssDbMode=noDb\nattributes=compatibility\n");
                MessageDigest probe = MessageDigest.getInstance("SHA-256", nss);
                probe.update((byte) 1);
                probe.digest();
                directory = found.get();
                return Optional.of(nss);
            } catch (RuntimeException | NoSuchAlgorithmException | LinkageError e) {
                why = "NSS in " + found.get() + " could not be configured: " + e;
                return Optional.empty();
            }
        }
    }
}
