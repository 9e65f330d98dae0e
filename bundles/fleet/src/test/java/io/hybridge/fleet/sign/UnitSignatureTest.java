package io.hybridge.fleet.sign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnitSignatureTest {
    @TempDir
    Path dir;

    @Test
    void signsTheRawDigestAndNamesTheKey() throws Exception {
        Path unit = Files.write(dir.resolve("unit.jar"), "bundle bytes".getBytes());
        UnitKeys.generate().write(dir.resolve("fleet.key"), dir.resolve("fleet.pub"));
        UnitKeys keys = UnitKeys.readPrivate(dir.resolve("fleet.key"));
        UnitSignature sig = UnitSignature.sign(unit, keys);

        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(unit));
        assertThat(sig.hashMetric()).isEqualTo("SHA-256:" + HexFormat.of().formatHex(digest));
        assertThat(sig.size()).isEqualTo(12);
        assertThat(UnitSignature.verify(digest, sig.signature(), UnitKeys.readPublic(dir.resolve("fleet.pub")))).isTrue();
        digest[0] ^= 1;
        assertThat(UnitSignature.verify(digest, sig.signature(), keys.publicKey())).isFalse();

        byte[] spki = keys.publicKey().getEncoded();
        assertThat(sig.keyId()).hasSize(16)
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(spki)).substring(0, 16));
        assertThat(Files.readString(dir.resolve("fleet.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        // a set: compared as one, its toString order is the JDK's business
        assertThat(Files.getPosixFilePermissions(dir.resolve("fleet.key")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void refusesToOverwriteAKey() throws Exception {
        UnitKeys.generate().write(dir.resolve("k.key"), dir.resolve("k.pub"));
        assertThatThrownBy(() -> UnitKeys.generate().write(dir.resolve("k.key"), dir.resolve("k.pub")))
                .hasMessageContaining("k.key exists");
    }
}
