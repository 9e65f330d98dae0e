package io.hybridge.workloads.internal.supervisor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The id this gateway marks its instances with, so that gateways sharing an engine never adopt
 * or remove each other's. Configured, or generated once and kept in {@code var/workloads/gateway-id}
 * (installation state: it must outlive the OSGi cache, or a wiped cache would orphan every
 * running instance).
 */
final class GatewayIdentity {
    static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private GatewayIdentity() {
    }

    static String resolve(String configured, Path stateDir) throws IOException {
        if (configured != null && !configured.isBlank()) {
            String id = configured.trim();
            if (!VALID.matcher(id).matches()) {
                throw new IllegalArgumentException("gatewayId '" + id
                        + "' is not valid; use 1-32 lower-case letters, digits and '-', starting with a letter or digit");
            }
            return id;
        }
        Path file = stateDir.resolve("gateway-id");
        if (Files.isRegularFile(file)) {
            String kept = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (VALID.matcher(kept).matches()) {
                return kept;
            }
        }
        byte[] bytes = new byte[4];
        new SecureRandom().nextBytes(bytes);
        String generated = HexFormat.of().formatHex(bytes);
        Files.createDirectories(stateDir);
        Path temp = Files.createTempFile(stateDir, "gateway-id", ".tmp");
        Files.writeString(temp, generated + "\n", StandardCharsets.UTF_8);
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return generated;
    }
}
