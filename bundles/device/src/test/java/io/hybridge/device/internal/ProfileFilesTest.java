package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The shipped profiles in device-profiles/: a broken or sloppy file fails the build here. */
class ProfileFilesTest {

    @Test
    void everyProfileFileParsesWithItsRequiredFields() throws Exception {
        List<ProfileSource> files = Profiles.repositoryFiles();
        assertThat(files).hasSizeGreaterThanOrEqualTo(3);
        for (ProfileSource file : files) {
            BoardProfile board = BoardProfileReader.read(file);
            String fileName = Profiles.REPOSITORY_DIR.relativize(java.nio.file.Path.of(file.origin())).toString();
            assertThat(fileName).as("file name of profile %s", board.id()).isEqualTo(board.id() + ".json");
            assertThat(board.name()).isNotBlank();
            assertThat(board.vendor()).isNotBlank();
            assertThat(board.architecture()).as(fileName).isIn("aarch64", "x86_64");
            assertThat(board.cpuModel()).isNotBlank();
            assertThat(board.cpuCores()).as(fileName).isPositive();
            assertThat(board.cpuMaxMHz()).as(fileName).isBetween(500, 6000);
            assertThat(board.memoryMiB()).as(fileName).isPositive();
            assertThat(board.preferredRuntimes()).as(fileName).isNotEmpty().isSubsetOf("container", "unikernel");
            MatchRules match = board.match();
            assertThat(match.deviceTreeModel().size() + match.dmiProductName().size() + match.cpuModel().size())
                    .as("%s must be recognisable by detection", fileName).isPositive();
            assertThat(match.maxMemoryMiB()).as("%s: the nominal memory is an upper bound of MemTotal", fileName)
                    .isGreaterThanOrEqualTo(match.minMemoryMiB()).isLessThanOrEqualTo(board.memoryMiB());
        }
    }

    @Test
    void theCatalogOfShippedProfilesHasNoProblems() {
        ProfileCatalog catalog = Profiles.repositoryCatalog();
        assertThat(catalog.problems()).isEmpty();
        assertThat(catalog.ids()).contains("raspberry-pi-4b-4gb", "jetson-orin-nano-8gb", "x86-industrial-pc");
    }

    @Test
    void shippedFactsOfTheBoards() {
        ProfileCatalog catalog = Profiles.repositoryCatalog();
        BoardProfile pi = catalog.find("raspberry-pi-4b-4gb").orElseThrow();
        assertThat(pi).extracting(BoardProfile::architecture, BoardProfile::cpuCores, BoardProfile::memoryMiB)
                .containsExactly("aarch64", 4, 4096L);
        BoardProfile jetson = catalog.find("jetson-orin-nano-8gb").orElseThrow();
        assertThat(jetson).extracting(BoardProfile::architecture, BoardProfile::cpuCores, BoardProfile::memoryMiB)
                .containsExactly("aarch64", 6, 8192L);
        assertThat(jetson.accelerators()).containsExactly("cuda");
        BoardProfile ipc = catalog.find("x86-industrial-pc").orElseThrow();
        assertThat(ipc).extracting(BoardProfile::architecture, BoardProfile::cpuCores, BoardProfile::memoryMiB)
                .containsExactly("x86_64", 4, 8192L);
    }
}
