package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArchitecturesTest {

    @ParameterizedTest
    @CsvSource({
            "amd64, x86_64",
            "x86_64, x86_64",
            "aarch64, aarch64",
            "arm64, aarch64",
            "arm, armv7l",
            "i386, i686",
            "riscv64, riscv64",
            "ppc64le, ppc64le",
            "AMD64, x86_64"})
    void javaNamesBecomeLinuxNames(String osArch, String linux) {
        assertThat(Architectures.linuxName(osArch)).isEqualTo(linux);
    }

    @ParameterizedTest
    @CsvSource({
            "x86_64, qemu-system-x86_64",
            "aarch64, qemu-system-aarch64",
            "armv7l, qemu-system-arm",
            "i686, qemu-system-i386",
            "ppc64le, qemu-system-ppc64"})
    void qemuBinaryForEachArchitecture(String linux, String binary) {
        assertThat(Architectures.qemuSystemBinary(linux)).isEqualTo(binary);
    }
}
