package io.hybridge.itests.support;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.hybridge.imagetools.OciRegistryPush;

/**
 * The unikernel side of the test machine: QEMU, the telemetry microVM image the build made
 * (ml-workloads/telemetry), the loopback registry as the unikernel hub, and the VMM processes a
 * gateway started.
 */
public final class Unikernels {
    public static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    /** The provisioning script's registry on loopback, with authentication. */
    public static final String REGISTRY = "127.0.0.1:15000";
    public static final String REGISTRY_USER = "hybridge";
    public static final String REGISTRY_PASSWORD = "hybridge-test-registry";
    public static final String TELEMETRY_REPOSITORY = "hybridge-itest/telemetry";

    private static String telemetryDigest;

    private Unikernels() {
    }

    public static void require() {
        Engines.requireExecutable(QEMU.toString(), "qemu-system-x86");
    }

    /** The telemetry task's OCI image layout, as ml-workloads/telemetry's package phase writes it. */
    public static Path telemetryLayout() {
        Path target = Path.of("../ml-workloads/telemetry/target").toAbsolutePath().normalize();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(p -> p.getFileName().toString().matches("hybridge-telemetry-.*-microvm") && Files.isDirectory(p))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no hybridge-telemetry-*-microvm layout in " + target
                            + ": build ml-workloads/telemetry first (mvn -B package -pl ml-workloads/telemetry -am)"));
        } catch (IOException e) {
            throw new AssertionError(target + " cannot be read: build ml-workloads/telemetry first", e);
        }
    }

    /** The tag the telemetry layout records ({@code org.opencontainers.image.ref.name}): the project version. */
    public static String telemetryTag() {
        String name = telemetryLayout().getFileName().toString();
        return name.substring("hybridge-telemetry-".length(), name.length() - "-microvm".length());
    }

    /** The OCI layout tar next to the layout directory. */
    public static Path telemetryArchive() {
        Path layout = telemetryLayout();
        return layout.resolveSibling(layout.getFileName() + ".oci.tar");
    }

    /** Pushes the telemetry image to the loopback registry once per run; returns its manifest digest. */
    public static synchronized String pushTelemetry() throws IOException, InterruptedException {
        if (telemetryDigest == null) {
            OciRegistryPush push = new OciRegistryPush(URI.create("http://" + REGISTRY), REGISTRY_USER, REGISTRY_PASSWORD);
            telemetryDigest = push.push(telemetryLayout(), TELEMETRY_REPOSITORY, "itest");
        }
        return telemetryDigest;
    }

    /** The telemetry image's reference pinned by digest. */
    public static String telemetryByDigest() throws IOException, InterruptedException {
        return REGISTRY + "/" + TELEMETRY_REPOSITORY + "@" + pushTelemetry();
    }

    /** The registry credentials as a configuration file for the gateway's deploy/ folder. */
    public static String registryCredentialsConfig(String password) {
        return """
                registry="%s"
                username="%s"
                password="%s"
                """.formatted(REGISTRY, REGISTRY_USER, password);
    }

    /** Pids of QEMU processes whose command line names this text (an instance name, a gateway home). */
    public static List<Long> vmmProcesses(String text) {
        List<Long> pids = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(process -> {
            String commandLine = commandLine(process.pid());
            if (commandLine.contains("qemu-system") && commandLine.contains(text)) {
                pids.add(process.pid());
            }
        });
        return pids;
    }

    /** Kills (SIGKILL) every QEMU process whose command line names this text. */
    public static void killAll(String text) {
        for (long pid : vmmProcesses(text)) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline"))).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return ""; // gone, or not ours to read
        }
    }
}
