package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCatalogTest {

    @TempDir
    Path operatorDir;

    private static String board(String id, String name) {
        return """
                {"id": "%s", "name": "%s", "vendor": "Me", "architecture": "aarch64",
                 "cpu": {"model": "Arm Cortex-A72", "cores": 4}, "memoryMiB": 4096}
                """.formatted(id, name);
    }

    @Test
    void anOperatorFileReplacesTheBuiltInBoardWithTheSameIdAndAddsNewOnes() throws Exception {
        new FakeMachine(operatorDir)
                .file("my-pi.json", board("raspberry-pi-4b-4gb", "Our Pi 4 in the cabinet"))
                .file("other-board.json", board("other-board", "Other board"))
                .file("README.txt", "not a profile");

        ProfileCatalog catalog = ProfileCatalog.load(Profiles.repositoryFiles(), ProfileSource.jsonFilesIn(operatorDir));

        assertThat(catalog.problems()).isEmpty();
        assertThat(catalog.find("raspberry-pi-4b-4gb")).map(BoardProfile::name).contains("Our Pi 4 in the cabinet");
        assertThat(catalog.ids()).containsExactly("jetson-orin-nano-8gb", "other-board", "raspberry-pi-4b-4gb", "x86-industrial-pc");
    }

    @Test
    void twoOperatorFilesWithOneIdKeepTheFirstAndSaySo() throws Exception {
        new FakeMachine(operatorDir)
                .file("a.json", board("twin", "First"))
                .file("b.json", board("twin", "Second"))
                .file("c.json", "{ not json");

        ProfileCatalog catalog = ProfileCatalog.load(Profiles.repositoryFiles(), ProfileSource.jsonFilesIn(operatorDir));

        assertThat(catalog.find("twin")).map(BoardProfile::name).contains("First");
        assertThat(catalog.problems()).hasSize(2);
        assertThat(catalog.problems().get(0)).contains("b.json", "'twin'", "a.json");
        assertThat(catalog.problems().get(1)).contains("c.json", "not a JSON object");
        assertThat(catalog.ids()).contains("raspberry-pi-4b-4gb");
    }
}
