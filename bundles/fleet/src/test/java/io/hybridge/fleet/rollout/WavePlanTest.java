package io.hybridge.fleet.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WavePlanTest {

    @Test
    void canaryThenPercentagesCoverTheGroup() {
        assertThat(WavePlan.parse("1,10%,50%,100%").sizes(20)).containsExactly(1, 1, 8, 10);
        assertThat(WavePlan.parse("1,10%,50%,100%").sizes(1000)).containsExactly(1, 99, 400, 500);
    }

    @Test
    void wavesThatAddNobodyAreDroppedAndTheRestFormALastWave() {
        assertThat(WavePlan.parse("1,10%,50%").sizes(5)).containsExactly(1, 2, 2);
        assertThat(WavePlan.parse("5,2").sizes(10)).containsExactly(5, 5);
        assertThat(WavePlan.parse("100%").sizes(0)).isEmpty();
    }

    @Test
    void assignsWavesInOrder() {
        assertThat(WavePlan.parse("2,50%").assign(6)).containsExactly(0, 0, 1, 2, 2, 2);
    }

    @Test
    void badEntriesAreNamed() {
        assertThatThrownBy(() -> WavePlan.parse("1,abc,100%")).hasMessageContaining("wave 'abc'");
        assertThatThrownBy(() -> WavePlan.parse("0")).hasMessageContaining("wave '0'");
        assertThatThrownBy(() -> WavePlan.parse("150%")).hasMessageContaining("wave '150%'");
    }
}
