package io.hybridge.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotStagerTest {

    private static final long MTIME = 1_700_000_000L;

    @TempDir
    Path home;
    @TempDir
    Path work;

    private SlotDirectory slots;
    private SlotStager stager;

    @BeforeEach
    void installation() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/framework.properties"), "hybridge.version=1.0.0\n");
        Files.createDirectories(home.resolve("var/slots"));
        slots = new SlotDirectory(home);
        stager = new SlotStager(slots, Clock.systemUTC());
    }

    @Test
    void stagesTheVersionedPartsOfADistributionArchive() throws Exception {
        Path archive = archive("2.0.0", Map.of("hybridge-2.0.0/etc/config/io.hybridge.broker.cfg", text("port=1")));

        String id = stager.stage(archive, "b");

        assertThat(id).isEqualTo("b");
        Path slot = slots.home("b");
        assertThat(slot.resolve("lib/hybridge-launcher.jar")).isRegularFile();
        assertThat(slot.resolve("bundles/io/hybridge/hybridge-api/2.0.0/hybridge-api-2.0.0.jar")).isRegularFile();
        assertThat(Files.getLastModifiedTime(slot.resolve("bundles/io/hybridge/hybridge-api/2.0.0/hybridge-api-2.0.0.jar"))
                .toMillis()).as("the jar keeps its time from the archive").isEqualTo(MTIME * 1000);
        assertThat(slot.resolve("etc/config")).as("the operator's configuration is not the slot's").doesNotExist();
        assertThat(slots.slotProperties("b").getProperty("version")).isEqualTo("2.0.0");
        assertThat(slots.slotProperties("b").getProperty("sha256")).hasSize(64);
        assertThat(slots.isStaged("b")).isTrue();
        assertThat(slots.version("b")).isEqualTo("2.0.0");
    }

    @Test
    void namesTheSlotAfterVersionAndDigestWhenNoIdIsGiven() throws Exception {
        String id = stager.stage(archive("2.0.0", Map.of()), null);
        assertThat(id).matches("v2\\.0\\.0-[0-9a-f]{8}");
    }

    @Test
    void refusesPathTraversalAndChangesNothing() throws Exception {
        assertRefusedUnchanged(archive("2.0.0", Map.of("hybridge-2.0.0/lib/../../../../evil.jar", text("x"))), "'..'");
        assertThat(home.getParent().resolve("evil.jar")).doesNotExist();
    }

    @Test
    void refusesAbsolutePaths() throws Exception {
        assertRefusedUnchanged(archive("2.0.0", Map.of("/tmp/hybridge-evil", text("x"))), "not a relative path");
    }

    @Test
    void refusesEntriesOutsideTheTopDirectory() throws Exception {
        assertRefusedUnchanged(archive("2.0.0", Map.of("other/lib/x.jar", text("x"))), "outside the archive's top directory");
    }

    @Test
    void refusesLinks() throws Exception {
        Map<String, byte[]> entries = base("2.0.0");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            writeEntry(tar, e.getKey(), e.getValue(), '0', "");
        }
        writeEntry(tar, "hybridge-2.0.0/lib/link.jar", new byte[0], '2', "/etc/passwd");
        tar.write(new byte[1024]);
        Path archive = gzip(tar.toByteArray());

        assertRefusedUnchanged(archive, "is a link");
    }

    @Test
    void refusesATruncatedArchiveAndChangesNothing() throws Exception {
        byte[] whole = Files.readAllBytes(archive("2.0.0", Map.of()));
        for (int length : new int[] {whole.length / 2, whole.length - 4, 10}) {
            Path truncated = work.resolve("truncated-" + length + ".tar.gz");
            Files.write(truncated, java.util.Arrays.copyOf(whole, length));
            assertRefusedUnchanged(truncated, "refused");
        }
    }

    @Test
    void refusesAFeatureThatNamesAMissingBundle() throws Exception {
        Map<String, byte[]> entries = base("2.0.0");
        entries.remove("hybridge-2.0.0/bundles/io/hybridge/hybridge-api/2.0.0/hybridge-api-2.0.0.jar");
        assertRefusedUnchanged(archive(entries), "hybridge-api-2.0.0.jar is missing");
    }

    @Test
    void refusesAnArchiveWithoutALauncher() throws Exception {
        Map<String, byte[]> entries = base("2.0.0");
        entries.remove("hybridge-2.0.0/lib/hybridge-launcher.jar");
        assertRefusedUnchanged(archive(entries), "io.hybridge.launcher.Main");
    }

    @Test
    void keepsTheCurrentSlotAndRemovesTheOthers() throws Exception {
        stager.stage(archive("2.0.0", Map.of()), "b");
        slots.write("current", "b\n");
        stager.stage(archive("3.0.0", Map.of()), "c");
        slots.write("previous", "b\n");
        slots.write("current", "c\n");
        Files.createDirectories(slots.dir().resolve(".staging-dead")); // a staging a kill -9 interrupted

        stager.stage(archive("4.0.0", Map.of()), "d");

        assertThat(slots.slotDirectories().toList()).containsExactlyInAnyOrder("c", "d");
        assertThat(slots.exists("previous")).as("previous named a removed slot").isFalse();
        assertThat(slots.dir().resolve(".staging-dead")).doesNotExist();
    }

    @Test
    void refusesToStageDuringATrialOrOverTheCurrentSlot() throws Exception {
        stager.stage(archive("2.0.0", Map.of()), "b");
        slots.write("current", "b\n");
        assertThatThrownBy(() -> stager.stage(archive("2.0.0", Map.of()), "b")).hasMessageContaining("current one");
        slots.write("trial", "slot=c\nfallback=b\nstarted=0\ndeadline=0\n");
        assertThatThrownBy(() -> stager.stage(archive("3.0.0", Map.of()), "c")).hasMessageContaining("on trial");
    }

    private void assertRefusedUnchanged(Path archive, String reason) throws Exception {
        List<String> before = tree();
        assertThatThrownBy(() -> stager.stage(archive, "b")).hasMessageContaining(reason);
        assertThat(tree()).as("nothing under var/ changed").isEqualTo(before);
    }

    private List<String> tree() throws IOException {
        Path var = home.resolve("var");
        if (!Files.exists(var)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(var)) {
            return files.map(p -> home.relativize(p).toString())
                    .filter(p -> !p.endsWith(".lock") && !p.equals("var/slots"))
                    .sorted().toList();
        }
    }

    // --- archives in the distribution's layout ------------------------------------------

    private Map<String, byte[]> base(String version) throws IOException {
        String top = "hybridge-" + version + "/";
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(top + "bin/hybridge", text("#!/bin/sh\n"));
        entries.put(top + "etc/framework.properties", text("hybridge.version=" + version + "\nhybridge.features=core\n"));
        entries.put(top + "etc/features/core.json", text("{\"id\":\"io.hybridge:hybridge-feature-core:osgifeature:"
                + version + "\",\"bundles\":[{\"id\":\"io.hybridge:hybridge-api:" + version + "\",\"start-order\":2}]}"));
        entries.put(top + "lib/hybridge-launcher.jar", jar(null, "io/hybridge/launcher/Main.class"));
        entries.put(top + "bundles/io/hybridge/hybridge-api/" + version + "/hybridge-api-" + version + ".jar",
                jar("io.hybridge.api", "io/hybridge/api/Api.class"));
        return entries;
    }

    private Path archive(String version, Map<String, byte[]> extra) throws IOException {
        Map<String, byte[]> entries = base(version);
        entries.putAll(extra);
        return archive(entries);
    }

    private Path archive(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            writeEntry(tar, e.getKey(), e.getValue(), '0', "");
        }
        tar.write(new byte[1024]);
        return gzip(tar.toByteArray());
    }

    private Path gzip(byte[] tar) throws IOException {
        Path file = Files.createTempFile(work, "slot", ".tar.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(tar);
        }
        return file;
    }

    /** A ustar header (names up to 100 bytes are all these tests need) and the padded data. */
    private static void writeEntry(ByteArrayOutputStream tar, String name, byte[] data, char type, String link)
            throws IOException {
        byte[] header = new byte[512];
        put(header, 0, name, 100);
        put(header, 100, "0000644", 8);
        put(header, 108, "0000000", 8);
        put(header, 116, "0000000", 8);
        put(header, 124, String.format("%011o", data.length), 12);
        put(header, 136, String.format("%011o", MTIME), 12);
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = (byte) type;
        put(header, 157, link, 100);
        put(header, 257, "ustar", 6);
        put(header, 263, "00", 2);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum), 7);
        header[155] = ' ';
        tar.write(header);
        tar.write(data);
        tar.write(new byte[(512 - data.length % 512) % 512]);
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, header, offset, Math.min(bytes.length, length));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] jar(String symbolicName, String entry) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (symbolicName != null) {
            manifest.getMainAttributes().putValue("Bundle-SymbolicName", symbolicName);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry(entry));
            jar.write(new byte[] {1, 2, 3});
        }
        return bytes.toByteArray();
    }
}
