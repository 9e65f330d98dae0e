package io.hybridge.fleet.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.fleet.inventory.GatewayId;
import io.hybridge.fleet.wire.DeployV2;
import org.junit.jupiter.api.Test;

class TargetTransitionsTest {

    private static Target pending() {
        return new Target(7, 1, 0, new GatewayId("acme", "gw-1"), 0, Target.INSTALL, 3, "1.0.0", TargetState.PENDING,
                0, 0, 0, null, 0, 0, 0);
    }

    private static KuraPayload download(String status, int progress) {
        return KuraPayload.builder().metric(DeployV2.JOB_ID, 7001L).metric(DeployV2.DOWNLOAD_STATUS, status)
                .metric(DeployV2.DOWNLOAD_PROGRESS, progress).build();
    }

    private static KuraPayload install(String status, String error) {
        KuraPayload.Builder b = KuraPayload.builder().metric(DeployV2.JOB_ID, 7001L).metric(DeployV2.INSTALL_STATUS, status);
        return error == null ? b.build() : b.metric(DeployV2.INSTALL_ERROR, error).build();
    }

    @Test
    void aJobGoesThroughDownloadAndInstallToSuccess() {
        Target t = pending();
        TargetTransitions.dispatched(t, 7001, 10);
        assertThat(t.state()).isEqualTo(TargetState.REQUESTED);
        assertThat(TargetTransitions.accepted(t, 11)).isTrue();
        assertThat(t.state()).isEqualTo(TargetState.DOWNLOADING);
        assertThat(TargetTransitions.notified(t, "download", download(DeployV2.IN_PROGRESS, 40), 12)).isTrue();
        assertThat(t.progress()).isEqualTo(40);
        assertThat(TargetTransitions.notified(t, "download", download(DeployV2.COMPLETED, 100), 13)).isTrue();
        assertThat(t.state()).isEqualTo(TargetState.INSTALLING);
        assertThat(TargetTransitions.notified(t, "install", install(DeployV2.COMPLETED, null), 20)).isTrue();
        assertThat(t.state()).isEqualTo(TargetState.SUCCEEDED);
        assertThat(t.durationMillis()).isEqualTo(10);
    }

    @Test
    void duplicateAndLateNotificationsChangeNothing() {
        Target t = pending();
        TargetTransitions.dispatched(t, 7001, 10);
        TargetTransitions.accepted(t, 11);
        TargetTransitions.notified(t, "install", install(DeployV2.IN_PROGRESS, null), 12);
        assertThat(TargetTransitions.notified(t, "download", download(DeployV2.IN_PROGRESS, 50), 13)).isFalse();
        assertThat(t.state()).isEqualTo(TargetState.INSTALLING);
        TargetTransitions.notified(t, "install", install(DeployV2.COMPLETED, null), 14);
        assertThat(TargetTransitions.notified(t, "install", install(DeployV2.COMPLETED, null), 15)).isFalse();
        assertThat(TargetTransitions.notified(t, "install", install(DeployV2.FAILED, "late"), 16)).isFalse();
        assertThat(t.state()).isEqualTo(TargetState.SUCCEEDED);
    }

    @Test
    void healthGateFailureIsRolledBackWithTheGatewaysReason() {
        Target t = pending();
        TargetTransitions.dispatched(t, 7001, 10);
        TargetTransitions.accepted(t, 11);
        TargetTransitions.notified(t, "install", install(DeployV2.ROLLED_BACK, "bundle io.acme.sensor not active"), 12);
        assertThat(t.state()).isEqualTo(TargetState.ROLLED_BACK);
        assertThat(t.message()).contains("io.acme.sensor not active");
    }

    @Test
    void refusalBusyNoReplyAndTimeout() {
        Target t = pending();
        TargetTransitions.dispatched(t, 7001, 10);
        TargetTransitions.busy(t, "busy: job 5 is running", 11, 2000);
        assertThat(t.state()).isEqualTo(TargetState.PENDING);
        TargetTransitions.dispatched(t, 7002, 2000);
        TargetTransitions.refused(t, 400, "missing metric dp.uri", 2001);
        assertThat(t.state()).isEqualTo(TargetState.FAILED);
        assertThat(t.message()).isEqualTo("refused (400): missing metric dp.uri");

        Target quiet = pending();
        TargetTransitions.dispatched(quiet, 7001, 10);
        TargetTransitions.noReply(quiet, "no reply", 40);
        assertThat(quiet.state()).isEqualTo(TargetState.OFFLINE);

        Target slow = pending();
        TargetTransitions.dispatched(slow, 7001, 10);
        TargetTransitions.accepted(slow, 11);
        assertThat(TargetTransitions.timedOut(slow, 100, 200)).isTrue();
        assertThat(slow.state()).isEqualTo(TargetState.TIMED_OUT);
        // the gateway reports after all: its real outcome wins
        assertThat(TargetTransitions.notified(slow, "install", install(DeployV2.COMPLETED, null), 300)).isTrue();
        assertThat(slow.state()).isEqualTo(TargetState.SUCCEEDED);
    }

    @Test
    void birthReportsTheLastJobsOutcome() {
        Target t = pending();
        TargetTransitions.dispatched(t, 7001, 10);
        TargetTransitions.accepted(t, 11);
        assertThat(TargetTransitions.lastJob(t, "ROLLED_BACK", 20)).isTrue();
        assertThat(t.state()).isEqualTo(TargetState.ROLLED_BACK);
    }

    @Test
    void aNotificationOvertakenByBirthStillGivesItsReason() {
        Target t = pending();
        TargetTransitions.dispatched(t, 7001, 10);
        TargetTransitions.accepted(t, 11);
        assertThat(TargetTransitions.lastJob(t, "ROLLED_BACK", 20)).isTrue();
        assertThat(TargetTransitions.notified(t, "install", install(DeployV2.ROLLED_BACK, "bundle x did not start"), 21)).isTrue();
        assertThat(t.state()).isEqualTo(TargetState.ROLLED_BACK);
        assertThat(t.message()).isEqualTo("health gate failed, previous version restored: bundle x did not start");
        assertThat(t.finished()).isEqualTo(20);
        // once explained, a duplicate changes nothing; a notification of another outcome never did
        assertThat(TargetTransitions.notified(t, "install", install(DeployV2.ROLLED_BACK, "bundle x did not start"), 22)).isFalse();
        Target failed = pending();
        TargetTransitions.dispatched(failed, 7001, 10);
        TargetTransitions.lastJob(failed, "FAILED", 20);
        assertThat(TargetTransitions.notified(failed, "install", install(DeployV2.COMPLETED, null), 21)).isFalse();
        assertThat(failed.state()).isEqualTo(TargetState.FAILED);
    }

    @Test
    void onlyPendingTargetsAreCancelled() {
        Target t = pending();
        assertThat(TargetTransitions.cancelled(t, 5)).isTrue();
        Target running = pending();
        TargetTransitions.dispatched(running, 7001, 10);
        assertThat(TargetTransitions.cancelled(running, 11)).isFalse();
    }
}
