package io.hybridge.device.internal;

import java.util.Locale;

/** Java's {@code os.arch} names to the Linux ({@code uname -m}) names profiles and images use. */
final class Architectures {

    private Architectures() {
    }

    static String linuxName(String osArch) {
        String arch = osArch == null ? "" : osArch.strip().toLowerCase(Locale.ROOT);
        return switch (arch) {
            case "amd64", "x86_64", "x86-64", "em64t" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            case "x86", "i386", "i486", "i586", "i686" -> "i686";
            // a 32-bit ARM JVM says only "arm"; hard-float ARMv7 is what such gateways run
            case "arm", "armv7l", "armhf" -> "armv7l";
            case "" -> "unknown";
            default -> arch;
        };
    }

    /** The QEMU system emulator that runs guests of this architecture. */
    static String qemuSystemBinary(String linuxArch) {
        return "qemu-system-" + switch (linuxArch) {
            case "i686" -> "i386";
            case "armv7l" -> "arm";
            case "ppc64le" -> "ppc64";
            default -> linuxArch;
        };
    }
}
