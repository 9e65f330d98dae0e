package io.hybridge.broker.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordHashTest {

    @Test
    void matchesTheSamePasswordOnly() {
        PasswordHash hash = PasswordHash.of("s3cret-Pässwörd");
        assertThat(hash.matches("s3cret-Pässwörd".getBytes(UTF_8))).isTrue();
        assertThat(hash.matches("s3cret-Passwort".getBytes(UTF_8))).isFalse();
        assertThat(hash.matches("s3cret-Pässwörd ".getBytes(UTF_8))).isFalse();
        assertThat(hash.matches("".getBytes(UTF_8))).isFalse();
    }

    @Test
    void missingPasswordNeverMatches() {
        assertThat(PasswordHash.of("x").matches(null)).isFalse();
    }

    @Test
    void bytesThatAreNotUtf8NeverMatch() {
        // U+FFFD is what a lenient decoder would make of 0xFF; strict decoding refuses it
        PasswordHash hash = PasswordHash.of("\uFFFD");
        assertThat(hash.matches(new byte[] {(byte) 0xFF})).isFalse();
        assertThat(hash.matches("\uFFFD".getBytes(UTF_8))).isTrue();
    }

    @Test
    void sameSaltNeverRepeatsSoEqualPasswordsHashDifferently() throws Exception {
        PasswordHash first = PasswordHash.of("same");
        PasswordHash second = PasswordHash.of("same");
        assertThat(fieldBytes(first, "salt")).isNotEqualTo(fieldBytes(second, "salt"));
        assertThat(fieldBytes(first, "hash")).isNotEqualTo(fieldBytes(second, "hash"));
        assertThat(fieldBytes(first, "hash")).hasSize(32);
    }

    @Test
    void keepsNoClearTextAndShowsNone() throws Exception {
        PasswordHash hash = PasswordHash.of("visible?");
        assertThat(hash.toString()).doesNotContain("visible");
        assertThat(new String(fieldBytes(hash, "hash"), UTF_8)).doesNotContain("visible");
    }

    private static byte[] fieldBytes(PasswordHash hash, String name) throws Exception {
        var field = PasswordHash.class.getDeclaredField(name);
        field.setAccessible(true);
        return (byte[]) field.get(hash);
    }
}
