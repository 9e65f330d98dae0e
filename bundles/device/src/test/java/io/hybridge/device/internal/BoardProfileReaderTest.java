package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** An operator's mistake in a profile file is reported with the file, the field and what is right. */
class BoardProfileReaderTest {

    private static final String VALID = """
            {"id": "my-board", "name": "My board", "vendor": "Me", "architecture": "aarch64",
             "cpu": {"model": "Arm Cortex-A53", "cores": 4}, "memoryMiB": 2048%s}
            """;

    private static BoardProfile read(String json) throws InvalidProfileException {
        return BoardProfileReader.read(new ProfileSource("etc/device-profiles/my-board.json",
                () -> new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void aMinimalProfileHasNoMatchRulesAndNoAccelerators() throws Exception {
        BoardProfile board = read(VALID.formatted(""));

        assertThat(board.match()).isEqualTo(MatchRules.NONE);
        assertThat(board.accelerators()).isEmpty();
        assertThat(board.cpuMaxMHz()).isZero();
        assertThat(board.kvmExpected()).isFalse();
        assertThat(board.origin()).isEqualTo("etc/device-profiles/my-board.json");
    }

    @Test
    void aMissingRequiredFieldIsNamed() {
        assertThatThrownBy(() -> read(VALID.formatted("").replace("\"cores\": 4", "\"cores\": 0")))
                .hasMessage("etc/device-profiles/my-board.json: cpu.cores must be a whole number from 1 to 2147483647 but is 0");
        assertThatThrownBy(() -> read(VALID.formatted("").replace("\"vendor\": \"Me\",", "")))
                .hasMessage("etc/device-profiles/my-board.json: vendor must be a non-empty string but is missing");
    }

    @Test
    void aTypoInTheMatchRulesIsAnErrorNotASilentlyBroaderMatch() {
        assertThatThrownBy(() -> read(VALID.formatted(", \"match\": {\"deviceTreeModels\": [\"My\"]}")))
                .hasMessageContaining("match has unknown keys [deviceTreeModels]")
                .hasMessageContaining("deviceTreeModel");
    }

    @Test
    void anInvertedMemoryRangeIsAnError() {
        assertThatThrownBy(() -> read(VALID.formatted(", \"match\": {\"cpuModel\": [\"x\"], \"minMemoryMiB\": 4096, \"maxMemoryMiB\": 2048}")))
                .hasMessageContaining("match.maxMemoryMiB must not be below match.minMemoryMiB (4096)");
    }

    @Test
    void anAcceleratorNeedsAType() {
        assertThatThrownBy(() -> read(VALID.formatted(", \"accelerators\": [{\"description\": \"a GPU\"}]")))
                .hasMessageContaining("accelerators[0].type must be a non-empty string");
    }

    @Test
    void anIdMustBeUsableInConfiguration() {
        assertThatThrownBy(() -> read(VALID.formatted("").replace("my-board", "My Board")))
                .hasMessageContaining("id must be lower case");
    }

    @Test
    void brokenJsonNamesTheFile() {
        assertThatThrownBy(() -> read("{\"id\": "))
                .isInstanceOf(InvalidProfileException.class)
                .hasMessageStartingWith("etc/device-profiles/my-board.json: not a JSON object");
        assertThatThrownBy(() -> read(VALID.formatted(", \"name\": \"again\"")))
                .hasMessageContaining("name");
    }
}
