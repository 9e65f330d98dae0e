package io.hybridge.device.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A machine described by files under a temporary root, as MachineDetector reads them. */
final class FakeMachine {
    private final Path root;
    private String osArch = "aarch64";
    private int cores = 4;
    private String searchPath = "";
    private boolean docker;

    FakeMachine(Path root) {
        this.root = root;
    }

    FakeMachine file(String relative, String content) {
        try {
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.ISO_8859_1);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeMachine memTotalMiB(long mib) {
        return file("proc/meminfo", "MemTotal:       " + mib * 1024 + " kB\nMemFree:          123456 kB\n");
    }

    FakeMachine deviceTreeModel(String model) {
        return file("proc/device-tree/model", model + "\0");
    }

    FakeMachine osArch(String osArch) {
        this.osArch = osArch;
        return this;
    }

    FakeMachine cores(int cores) {
        this.cores = cores;
        return this;
    }

    FakeMachine searchPath(String searchPath) {
        this.searchPath = searchPath;
        return this;
    }

    FakeMachine docker(boolean reachable) {
        this.docker = reachable;
        return this;
    }

    MachineDetector detector() {
        return new MachineDetector(root, osArch, () -> cores, searchPath, () -> docker, () -> 1_700_000_000_000L);
    }
}
