package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.api.crypto.Digests;

/** The unit store as a cache: a stored unit is found by its SHA-256 only while its content still has it. */
class UnitStoreTest {

    @TempDir
    Path dir;

    @Test
    void aStoredUnitIsFoundByItsHashAndADamagedCopyIsDropped() throws Exception {
        UnitStore store = new UnitStore(dir);
        byte[] content = "a unit".getBytes(StandardCharsets.UTF_8);
        String sha256 = HexFormat.of().formatHex(Digests.sha256().digest(content));
        Path stored = store.put(new ByteArrayInputStream(content), "unit");
        assertThat(stored.getFileName().toString()).isEqualTo(sha256 + ".unit");

        assertThat(store.unit(sha256)).contains(stored);
        assertThat(store.unit("00".repeat(32))).isEmpty();

        Files.write(stored, "a unjt".getBytes(StandardCharsets.UTF_8)); // one flipped byte on the card
        assertThat(store.unit(sha256)).as("damaged: downloaded again").isEmpty();
        assertThat(stored).doesNotExist();
    }

    @Test
    void aJarWithTheSameContentIsNotAUnit() throws Exception {
        UnitStore store = new UnitStore(dir);
        byte[] content = "a jar".getBytes(StandardCharsets.UTF_8);
        store.put(new ByteArrayInputStream(content), "jar");
        assertThat(store.unit(HexFormat.of().formatHex(Digests.sha256().digest(content)))).isEmpty();
    }
}
