package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class UnitHashTest {

    @Test
    void kuraNotationIsParsedAndChecked() throws Exception {
        byte[] digest = TrustedKeys.sha256("x".getBytes());
        UnitHash hash = UnitHash.parse("sha-256:" + HexFormat.of().formatHex(digest).toUpperCase());
        assertThat(hash.algorithm()).isEqualTo("SHA-256");
        assertThat(hash.isSha256()).isTrue();
        hash.check(digest);
        assertThatThrownBy(() -> hash.check(new byte[32])).hasMessageStartingWith("wrong hash: the file's SHA-256 is 0000");
    }

    @Test
    void badHashesNameTheMetric() {
        assertThatThrownBy(() -> UnitHash.parse("abc")).hasMessageStartingWith("dp.download.hash: 'abc' is not ALGO:hex");
        assertThatThrownBy(() -> UnitHash.parse("SHA-999:00")).hasMessageContaining("SHA-999 is unknown");
        assertThatThrownBy(() -> UnitHash.parse("SHA-256:00ff")).hasMessageContaining("is not 64 hex digits");
    }
}
