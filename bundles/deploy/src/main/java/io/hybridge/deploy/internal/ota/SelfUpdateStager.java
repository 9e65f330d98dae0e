package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Stages a distribution archive into {@code var/slots/<id>} by running the installation's
 * {@code bin/hybridge stage ARCHIVE ID}: the launcher's stager (its tar reader and every check of
 * the layout) stays the only one, and the slot is staged by the same code an operator runs.
 */
class SelfUpdateStager {

    private static final long TIMEOUT_MINUTES = 10;

    private final Path home;

    SelfUpdateStager(Path home) {
        this.home = home;
    }

    /**
     * @throws DeployException the stager's own message (what in the archive is wrong) when it refused
     */
    void stage(Path archive, String slot) throws DeployException, InterruptedException {
        Path script = home.resolve("bin/hybridge");
        if (!Files.isExecutable(script)) {
            throw new DeployException("cannot stage a self-update: " + script + " is missing or not executable"
                    + " (hybridge.home must be a Hybridge installation)");
        }
        Path log;
        try {
            log = Files.createTempFile("hybridge-stage", ".log");
        } catch (IOException e) {
            throw new DeployException("cannot stage a self-update: " + e.getMessage());
        }
        try {
            Process process = new ProcessBuilder(List.of(script.toString(), "stage", archive.toString(), slot))
                    .directory(home.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new DeployException("staging the self-update did not end within " + TIMEOUT_MINUTES + " minutes");
            }
            if (process.exitValue() != 0) {
                String output = Files.readString(log, StandardCharsets.UTF_8).strip();
                throw new DeployException("the archive was refused by bin/hybridge stage: " + lastLine(output));
            }
        } catch (IOException e) {
            throw new DeployException("cannot run " + script + " stage: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(log);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
    }

    private static String lastLine(String output) {
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).strip();
    }
}
