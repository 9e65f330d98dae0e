package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Optional;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.osgi.framework.Bundle;

import io.hybridge.api.crypto.Digests;

/**
 * Content-addressed files under {@code store/}: {@code <sha256>.<ext>}. Units, the bundle jars
 * they bring and copies of the jars they replace live here, fsynced, so that every step of a
 * switch and of its undo reads a file that is known to be whole. The same content is stored
 * once.
 */
final class UnitStore {

    private final Path dir;

    UnitStore(Path dir) {
        this.dir = dir;
    }

    Path dir() {
        return dir;
    }

    /** Moves a verified file into the store; returns its path there. */
    Path adopt(Path file, String sha256Hex, String extension) throws IOException {
        Files.createDirectories(dir);
        Path target = dir.resolve(sha256Hex + "." + extension);
        if (Files.isRegularFile(target)) {
            Files.delete(file);
            return target;
        }
        AtomicFiles.fsync(file);
        AtomicFiles.move(file, target);
        return target;
    }

    /**
     * The unit stored under that SHA-256, when it is there and its content still hashes to it. A
     * copy that does not (a damaged card) is removed, so that the unit is downloaded again.
     */
    Optional<Path> unit(String sha256Hex) throws IOException {
        Path file = dir.resolve(sha256Hex + ".unit");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        MessageDigest sha256 = Digests.sha256();
        try (InputStream in = Files.newInputStream(file);
                OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), sha256)) {
            in.transferTo(out);
        }
        if (HexFormat.of().formatHex(sha256.digest()).equals(sha256Hex)) {
            return Optional.of(file);
        }
        Files.delete(file);
        return Optional.empty();
    }

    /** Copies a stream into the store, hashing as it goes. */
    Path put(InputStream content, String extension) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "incoming-", ".tmp");
        try {
            MessageDigest sha256 = Digests.sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha256)) {
                content.transferTo(out);
            }
            return adopt(tmp, HexFormat.of().formatHex(sha256.digest()), extension);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * A copy of what an installed bundle runs now, to put back on rollback. Felix does not hand
     * out the jar it installed from, so the copy is rebuilt from the bundle's own entries (its
     * current revision's content): manifest first, then every entry, as the framework sees them.
     */
    Path snapshot(Bundle bundle) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "snapshot-", ".tmp");
        try {
            MessageDigest sha256 = Digests.sha256();
            Manifest manifest;
            URL manifestEntry = bundle.getEntry("META-INF/MANIFEST.MF");
            if (manifestEntry == null) {
                throw new IOException("bundle " + bundle.getSymbolicName() + " has no manifest entry to copy");
            }
            try (InputStream in = manifestEntry.openStream()) {
                manifest = new Manifest(in);
            }
            try (JarOutputStream jar = new JarOutputStream(new DigestOutputStream(Files.newOutputStream(tmp), sha256),
                    manifest)) {
                var entries = bundle.findEntries("/", "*", true);
                for (URL entry : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
                    String name = entry.getPath().startsWith("/") ? entry.getPath().substring(1) : entry.getPath();
                    if (name.isEmpty() || name.equalsIgnoreCase("META-INF/MANIFEST.MF") || name.equals("META-INF/")) {
                        continue;
                    }
                    jar.putNextEntry(new ZipEntry(name));
                    if (!name.endsWith("/")) {
                        try (InputStream in = entry.openStream()) {
                            in.transferTo(jar);
                        }
                    }
                    jar.closeEntry();
                }
            }
            return adopt(tmp, HexFormat.of().formatHex(sha256.digest()), "jar");
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
