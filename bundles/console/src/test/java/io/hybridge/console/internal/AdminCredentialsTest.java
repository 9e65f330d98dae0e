package io.hybridge.console.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminCredentialsTest {

    private static final int FAST = 1_000; // iterations: the scheme, not the cost, is under test

    @TempDir
    Path var;

    @Test
    void generatesAPasswordOnceAndKeepsOnlyItsHash() throws Exception {
        AdminCredentials first = AdminCredentials.initialize(var, null, FAST);
        Path passwordFile = var.resolve("admin.password");
        String password = Files.readString(passwordFile).trim();
        String hash = Files.readString(var.resolve("security/admin.hash"));

        assertThat(password).hasSize(20);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        assertThat(hash).startsWith("pbkdf2-sha512$1000$").doesNotContain(password);
        assertThat(first.check("admin", password)).isTrue();
        assertThat(first.check("admin", password)).as("second check hits the verified digest").isTrue();
        assertThat(first.check("admin", password + "x")).isFalse();
        assertThat(first.check("root", password)).isFalse();

        AdminCredentials second = AdminCredentials.initialize(var, null, FAST);
        assertThat(Files.readString(passwordFile).trim()).isEqualTo(password);
        assertThat(Files.readString(var.resolve("security/admin.hash"))).isEqualTo(hash);
        assertThat(second.check("admin", password)).isTrue();
    }

    @Test
    void theEnvironmentPasswordWinsAndRemovesAGeneratedOne() throws Exception {
        AdminCredentials.initialize(var, null, FAST);
        String generatedHash = Files.readString(var.resolve("security/admin.hash"));
        AdminCredentials fromEnv = AdminCredentials.initialize(var, "chosen-by-operator", FAST);

        assertThat(Files.exists(var.resolve("admin.password"))).isFalse();
        assertThat(fromEnv.check("admin", "wrong")).isFalse();
        assertThat(Files.readString(var.resolve("security/admin.hash"))).as("replaced at the first check")
                .isNotEqualTo(generatedHash);
        assertThat(fromEnv.check("admin", "chosen-by-operator")).isTrue();
        assertThat(AdminCredentials.initialize(var, null, FAST).check("admin", "chosen-by-operator"))
                .as("kept after the variable is unset").isTrue();
    }

    @Test
    void aPasswordWrittenBeforeAnInterruptedStartIsHashedNotReplaced() throws Exception {
        String written = AdminCredentials.writePasswordIfMissing(var, null);
        assertThat(Files.exists(var.resolve("security/admin.hash"))).as("the hash comes later").isFalse();

        AdminCredentials credentials = AdminCredentials.initialize(var, null, FAST);

        assertThat(Files.readString(var.resolve("admin.password")).trim()).isEqualTo(written);
        assertThat(credentials.check("admin", written)).isTrue();
        assertThat(AdminCredentials.writePasswordIfMissing(var, null)).as("nothing to write once hashed").isNull();
    }

    @Test
    void parsesBasicAuthorizationHeaders() {
        assertThat(AdminAuthentication.basicCredentials("Basic YWRtaW46czNjcjp0")).containsExactly("admin", "s3cr:t");
        assertThat(AdminAuthentication.basicCredentials("Bearer abc")).isNull();
        assertThat(AdminAuthentication.basicCredentials("Basic !!!")).isNull();
        assertThat(AdminAuthentication.basicCredentials(null)).isNull();
    }
}
