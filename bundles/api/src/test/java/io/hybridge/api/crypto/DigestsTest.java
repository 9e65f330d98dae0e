package io.hybridge.api.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

import org.junit.jupiter.api.Test;

class DigestsTest {

    @Test
    void nativeDigestsAgreeWithTheJdk() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        for (String algorithm : new String[] {"SHA-256", "SHA-512", "SHA-1", "MD5"}) {
            MessageDigest fast = Digests.newDigest(algorithm);
            for (int offset = 0; offset < data.length; offset += 65_537) { // updates across block boundaries
                fast.update(data, offset, Math.min(65_537, data.length - offset));
            }
            assertThat(fast.digest()).as(algorithm).isEqualTo(MessageDigest.getInstance(algorithm).digest(data));
        }
        assertThat(Digests.sha256().digest(new byte[0])).isEqualTo(MessageDigest.getInstance("SHA-256").digest(new byte[0]));
    }

    @Test
    void unknownAlgorithmsAreRefusedLikeTheJdkDoes() {
        assertThatThrownBy(() -> Digests.newDigest("SHA-999")).isInstanceOf(NoSuchAlgorithmException.class);
    }

    /**
     * Where NSS is installed (every machine the README's provisioning ran on: it installs libnss3),
     * the native provider must be the one in use — a silent fallback would cost OTA downloads most
     * of their speed under the gateway's C1-only JIT.
     */
    @Test
    void usesNssWhereItIsInstalled() {
        Digests.sha256(); // the report names the implementation once one was used
        boolean nssPresent = Files.isReadable(Path.of("/usr/lib/x86_64-linux-gnu/libsoftokn3.so"))
                || Files.isReadable(Path.of("/usr/lib/aarch64-linux-gnu/libsoftokn3.so"));
        if (nssPresent || "true".equals(System.getenv("CI"))) {
            assertThat(Digests.implementation()).startsWith("native (NSS");
        } else {
            assertThat(Digests.implementation()).startsWith("JDK built-in (").contains("libnss3");
        }
    }
}
