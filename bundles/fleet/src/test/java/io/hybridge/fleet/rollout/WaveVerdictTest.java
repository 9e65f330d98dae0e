package io.hybridge.fleet.rollout;

import static io.hybridge.fleet.rollout.TargetState.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class WaveVerdictTest {

    @Test
    void errorsAboveTheThresholdStopTheWaveWhileItRuns() {
        WaveVerdict v = WaveVerdict.judge(0, List.of(FAILED, FAILED, DOWNLOADING, PENDING, SUCCEEDED), 90, 20);
        assertThat(v.outcome()).isEqualTo(WaveVerdict.Outcome.ERRORS_EXCEEDED);
        assertThat(v.reason()).contains("wave 1: 2 of 5 failed, above the error threshold of 20%");
    }

    @Test
    void errorsAtTheThresholdDoNot() {
        assertThat(WaveVerdict.judge(0, List.of(FAILED, SUCCEEDED, SUCCEEDED, SUCCEEDED, PENDING), 50, 20).outcome())
                .isEqualTo(WaveVerdict.Outcome.RUNNING);
    }

    @Test
    void aFinishedWaveAdvancesOnlyAtItsSuccessThreshold() {
        assertThat(WaveVerdict.judge(1, List.of(SUCCEEDED, SKIPPED, OFFLINE, SUCCEEDED), 75, 50).outcome())
                .isEqualTo(WaveVerdict.Outcome.DONE_ADVANCE);
        WaveVerdict below = WaveVerdict.judge(1, List.of(SUCCEEDED, OFFLINE, OFFLINE, SUCCEEDED), 75, 50);
        assertThat(below.outcome()).isEqualTo(WaveVerdict.Outcome.DONE_BELOW_SUCCESS);
        assertThat(below.reason()).contains("wave 2").contains("below the success threshold of 75%");
    }

    @Test
    void rolledBackAndTimedOutCountAsErrorsOfflineDoesNot() {
        WaveVerdict v = WaveVerdict.judge(0, List.of(ROLLED_BACK, TIMED_OUT, OFFLINE, OFFLINE), 0, 100);
        assertThat(v.errors()).isEqualTo(2);
        assertThat(v.offline()).isEqualTo(2);
    }
}
