package io.hybridge.deploy.internal.ota;

import io.hybridge.api.cloud.KuraPayload;

/**
 * The DEPLOY-V2 metrics of a job, as Kura names them: the {@code download}, {@code install} and
 * {@code uninstall} notifications and the reply to {@code GET/download} carry the same ones.
 */
final class JobPayloads {

    private JobPayloads() {
    }

    static KuraPayload download(Job job) {
        KuraPayload.Builder payload = KuraPayload.builder()
                .metric("job.id", job.id)
                .metric("dp.download.progress", job.downloadProgress)
                .metric("dp.download.size", job.downloadSize)
                .metric("dp.download.index", job.downloadIndex)
                .metric("dp.download.status", job.downloadStatus == null ? Job.IN_PROGRESS : job.downloadStatus);
        if (job.name != null) {
            payload.metric("dp.name", job.name);
        }
        if (job.version != null) {
            payload.metric("dp.version", job.version);
        }
        if (job.downloadError != null) {
            payload.metric("dp.download.error.message", job.downloadError);
        }
        return payload.build();
    }

    static KuraPayload install(Job job) {
        KuraPayload.Builder payload = KuraPayload.builder()
                .metric("job.id", job.id)
                .metric("dp.name", String.valueOf(job.name))
                .metric("dp.version", String.valueOf(job.version))
                .metric("dp.install.progress", job.installProgress)
                .metric("dp.install.status", job.installStatus == null ? Job.IN_PROGRESS : job.installStatus)
                .metric("job.step", job.step.name());
        if (job.installError != null) {
            payload.metric("dp.install.error.message", job.installError);
        }
        return payload.build();
    }

    static KuraPayload uninstall(Job job) {
        KuraPayload.Builder payload = KuraPayload.builder()
                .metric("job.id", job.id)
                .metric("dp.name", String.valueOf(job.name))
                .metric("dp.uninstall.progress", job.installProgress)
                .metric("dp.uninstall.status", job.installStatus == null ? Job.IN_PROGRESS : job.installStatus);
        if (job.installError != null) {
            payload.metric("dp.uninstall.error.message", job.installError);
        }
        return payload.build();
    }

    /** GET/download: the download metrics, plus the install's when the job installed. */
    static KuraPayload status(Job job) {
        KuraPayload.Builder payload = download(job).toBuilder();
        if (job.installStatus != null) {
            install(job).metrics().forEach(payload::metric);
        }
        payload.metric("job.step", job.step.name());
        return payload.build();
    }
}
