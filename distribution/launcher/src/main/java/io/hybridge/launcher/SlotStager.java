package io.hybridge.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;

/**
 * Stages a self-update archive into {@code var/slots/<id>/}: the distribution's own
 * {@code hybridge-<version>.tar.gz}, of which only {@code lib/}, {@code bundles/},
 * {@code etc/features/} and {@code etc/framework.properties} are taken (the rest of an
 * installation is the operator's or state). It extracts into {@code var/slots/.staging-<id>},
 * checks that the result can run, writes {@code slot.properties} and only then renames the
 * directory into place, so a slot directory either is complete or does not exist. An archive
 * that is truncated, holds a link or a special file, or names a path outside its top directory
 * is refused and nothing under {@code var/slots} changes but the removed staging directory.
 */
final class SlotStager {

    /** What a slot takes from the archive, relative to the archive's top directory. */
    static final List<String> TAKEN = List.of("lib/", "bundles/", "etc/features/", "etc/framework.properties");

    /** Upper bound of what an archive may unpack to: a full installation is about 50 MB. */
    static final long MAX_BYTES = 1L << 30;

    private final SlotDirectory slots;
    private final Clock clock;

    SlotStager(SlotDirectory slots, Clock clock) {
        this.slots = slots;
        this.clock = clock;
    }

    /**
     * @param requestedId the slot id, or null to name it after the version and the archive's digest
     * @return the id of the staged slot
     */
    String stage(Path archive, String requestedId) throws IOException {
        if (requestedId != null) {
            SlotDirectory.checkId(requestedId);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IOException("no self-update archive at " + archive);
        }
        Files.createDirectories(slots.dir());
        try (FileChannel lockFile = FileChannel.open(slots.dir().resolve(".lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
            refuseDuringTrial();
            removeStagingLeftovers();
            Path staging = slots.dir().resolve(SlotDirectory.STAGING_PREFIX + Long.toHexString(clock.millis()));
            try {
                String digest = extract(archive, staging);
                String version = check(staging, archive);
                String id = requestedId != null ? requestedId : SlotDirectory.checkId("v" + version + "-" + digest.substring(0, 8));
                if (id.equals(slots.current())) {
                    throw new IllegalArgumentException("slot " + id + " is the current one; stage the archive under another id");
                }
                Properties description = new Properties();
                description.setProperty("id", id);
                description.setProperty("version", version);
                description.setProperty("staged", clock.instant().toString());
                description.setProperty("archive", archive.getFileName().toString());
                description.setProperty("sha256", digest);
                java.io.StringWriter text = new java.io.StringWriter();
                description.store(text, "a staged Hybridge slot (distribution/README.md, Self-update)");
                SlotDirectory.writeAtomically(staging.resolve(SlotDirectory.SLOT_PROPERTIES), text.toString());
                keepOnlyCurrent(id);
                Files.move(staging, slots.dir().resolve(id), StandardCopyOption.ATOMIC_MOVE);
                SlotDirectory.syncDirectory(slots.dir());
                return id;
            } finally {
                SlotDirectory.deleteTree(staging);
            }
        }
    }

    private void refuseDuringTrial() throws IOException {
        Optional<String> trial = Optional.empty();
        if (slots.exists("trial")) {
            trial = Optional.ofNullable(SlotProtocol.Trial.parse(slots.readAll("trial")).slot());
        }
        if (trial.isPresent()) {
            throw new IllegalStateException("slot " + trial.get() + " is on trial; stage another archive after it is"
                    + " confirmed or has failed");
        }
    }

    private void removeStagingLeftovers() throws IOException {
        try (var entries = Files.list(slots.dir())) {
            for (Path leftover : entries.filter(p -> p.getFileName().toString().startsWith(SlotDirectory.STAGING_PREFIX))
                    .toList()) {
                SlotDirectory.deleteTree(leftover); // a staging a kill -9 interrupted
            }
        }
    }

    /** At most two slots besides the factory: the current one and the one being staged. */
    private void keepOnlyCurrent(String staged) throws IOException {
        String current = slots.current();
        for (String slot : slots.slotDirectories().toList()) {
            if (!slot.equals(current)) {
                slots.deleteSlot(slot);
            }
        }
        Optional<String> previous = slots.read("previous");
        if (previous.isPresent() && !previous.get().equals(SlotDirectory.FACTORY) && !slots.isStaged(previous.get())) {
            slots.delete("previous");
        }
        if (slots.read("next").filter(n -> !slots.isStaged(n) || n.equals(staged)).isPresent()) {
            slots.delete("next");
        }
    }

    /** Extracts the taken part of the archive; returns the archive's SHA-256 in hex. */
    private String extract(Path archive, Path staging) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        String source = archive.getFileName().toString();
        Files.createDirectories(staging);
        long total = 0;
        String top = null;
        try (DigestInputStream digest = new DigestInputStream(Files.newInputStream(archive), sha256);
                InputStream gzip = new GZIPInputStream(digest, 65536)) {
            TarReader tar = new TarReader(gzip, source);
            TarReader.Entry entry;
            while ((entry = tar.next()) != null) {
                String name = entry.name();
                checkName(name, source);
                String first = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
                if (top == null) {
                    top = first;
                } else if (!top.equals(first)) {
                    throw new IOException(source + ": entry " + name + " is outside the archive's top directory " + top
                            + "/ (expected the layout of hybridge-<version>.tar.gz)");
                }
                String relative = name.length() > first.length() ? name.substring(first.length() + 1) : "";
                if (relative.isEmpty() || TAKEN.stream().noneMatch(relative::startsWith)) {
                    continue;
                }
                Path target = staging.resolve(relative).normalize();
                if (!target.startsWith(staging)) {
                    throw new IOException(source + ": entry " + name + " points outside the slot");
                }
                if (entry.type() == TarReader.Type.DIRECTORY) {
                    Files.createDirectories(target);
                    continue;
                }
                total += entry.size();
                if (total > MAX_BYTES) {
                    throw new IOException(source + " unpacks to more than " + MAX_BYTES + " bytes; refused");
                }
                Files.createDirectories(target.getParent());
                try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE); OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
                    tar.content().transferTo(out);
                    channel.force(true);
                }
                // the jar's time travels with it, so FeatureSync sees an unchanged bundle as unchanged
                Files.setLastModifiedTime(target, FileTime.from(entry.modified()));
            }
            // read to the end of the gzip stream: its trailer's CRC and length prove it is complete
            gzip.transferTo(OutputStream.nullOutputStream());
        } catch (java.io.EOFException e) {
            throw new IOException(source + " is truncated (" + e.getMessage() + "); refused", e);
        } catch (java.util.zip.ZipException e) {
            throw new IOException(source + " is not a valid gzip stream (" + e.getMessage() + "); refused", e);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static void checkName(String name, String source) throws IOException {
        if (name.isEmpty() || name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0) {
            throw new IOException(source + ": entry '" + name + "' is not a relative path; refused");
        }
        for (String part : name.split("/")) {
            if ("..".equals(part)) {
                throw new IOException(source + ": entry '" + name + "' climbs out with '..'; refused");
            }
        }
    }

    /** Checks that the staged files can run; returns the version they hold. */
    private String check(Path staging, Path archive) throws IOException {
        String source = archive.getFileName().toString();
        Path properties = staging.resolve("etc/framework.properties");
        if (!Files.isRegularFile(properties)) {
            throw new IOException(source + " has no etc/framework.properties; expected the layout of hybridge-<version>.tar.gz");
        }
        Properties framework = new Properties();
        framework.load(new StringReader(Files.readString(properties, StandardCharsets.UTF_8)));
        String version = framework.getProperty("hybridge.version", "").strip();
        if (version.isEmpty()) {
            throw new IOException(source + ": etc/framework.properties sets no hybridge.version");
        }
        if (!hasLauncher(staging.resolve("lib"))) {
            throw new IOException(source + ": lib/ holds no jar with io.hybridge.launcher.Main");
        }
        for (String name : framework.getProperty("hybridge.features", "core").split(",")) {
            if (name.isBlank()) {
                continue;
            }
            Path document = staging.resolve("etc/features").resolve(name.strip() + ".json");
            if (!Files.isRegularFile(document)) {
                throw new IOException(source + ": feature '" + name.strip() + "' (hybridge.features) has no etc/features/"
                        + name.strip() + ".json");
            }
            for (FeatureDocument.BundleRef ref : FeatureDocument.read(document).bundles()) {
                Path jar = staging.resolve("bundles").resolve(ref.path());
                if (!Files.isRegularFile(jar)) {
                    throw new IOException(source + ": feature " + name.strip() + " names " + ref.groupId() + ":"
                            + ref.artifactId() + ":" + ref.version() + " but bundles/" + ref.path() + " is missing");
                }
                try (JarFile file = new JarFile(jar.toFile())) {
                    if (file.getManifest() == null
                            || file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName") == null) {
                        throw new IOException(source + ": bundles/" + ref.path() + " is not an OSGi bundle");
                    }
                }
            }
        }
        return version;
    }

    private static boolean hasLauncher(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (var jars = Files.list(lib)) {
            for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    if (file.getEntry("io/hybridge/launcher/Main.class") != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
