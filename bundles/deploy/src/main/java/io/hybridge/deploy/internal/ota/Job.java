package io.hybridge.deploy.internal.ota;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One deployment job as the journal keeps it: what was asked (the DEPLOY-V2 metrics), how far it
 * got ({@link Step}) and what the operator is told (the Kura status fields). Only the job thread
 * changes a job; every step change is written to the journal before the step's effects begin,
 * which is what lets recovery after {@code kill -9} finish or undo it.
 */
final class Job {

    /** How far a job got; recovery decides by this. */
    enum Step {
        /** Fetching the file; a restart resumes from the partial file. */
        DOWNLOADING,
        /** Verified and stored; not installing (dp.install=false) or not started yet. */
        DOWNLOADED,
        /** Checking and planning; nothing in the framework changed yet. */
        INSTALLING,
        /** Changing the framework; a restart rolls back to {@link #changes}' previous jars. */
        SWITCHING,
        /** Switched; under the health gate. A restart runs the gate again. */
        SWITCHED,
        /**
         * Self-update: the slot is staged, {@code next} is written (or about to be) and the framework
         * stops; the launcher starts the slot on trial. Whichever slot runs next reads the slot files
         * ({@link SelfUpdateRecovery}): the new one gates and confirms, the old one reports the
         * fallback.
         */
        RESTARTING,
        /** Finished: COMPLETED, FAILED or ROLLED_BACK. */
        DONE
    }

    static final String IN_PROGRESS = "IN_PROGRESS";
    static final String COMPLETED = "COMPLETED";
    static final String FAILED = "FAILED";
    static final String ROLLED_BACK = "ROLLED_BACK";

    long id;
    String operation = "download"; // download | install | uninstall
    String name;
    String version;
    String uri;
    String hash; // ALGO:hex
    String signature;
    String signatureKey;
    String unitType;
    boolean install;
    boolean resume;
    boolean force;
    long blockSize;
    long blockDelayMillis;
    long timeoutMillis;
    long healthTimeoutMillis;
    String requester;

    Step step = Step.DOWNLOADING;
    String downloadStatus;
    int downloadProgress;
    long downloadSize;
    int downloadIndex;
    String downloadError;
    String installStatus;
    int installProgress;
    String installError;
    String unitFile;
    String sha256;
    List<BundleChange> changes = new ArrayList<>();
    long interruptionMillis;
    String slot; // self-update: the slot staged from the archive
    String fromSlot; // self-update: the slot that ran when the job began
    String fromVersion;
    long startedAt;
    long finishedAt;
    /** Time spent fetching (to the last byte written) and verifying (hash, signature, content, while the file is flushed): where a slow download went. */
    long transferMillis;
    long verifyMillis;
    /** Workload-image unit: the runtime it went to, what its workloads' references named before the load, what it moved. */
    String imageRuntime;
    Map<String, String> imagesBefore = new LinkedHashMap<>();
    List<ImageGate.Swap> imageSwaps = new ArrayList<>();

    boolean finished() {
        return step == Step.DONE;
    }

    /** The last status worth reporting: the install's when there is one, else the download's. */
    String status() {
        return installStatus != null ? installStatus : downloadStatus;
    }

    String error() {
        return installError != null ? installError : downloadError;
    }

    Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", id);
        map.put("operation", operation);
        put(map, "name", name);
        put(map, "version", version);
        put(map, "uri", uri);
        put(map, "hash", hash);
        put(map, "signature", signature);
        put(map, "signatureKey", signatureKey);
        put(map, "unitType", unitType);
        map.put("install", install);
        map.put("resume", resume);
        map.put("force", force);
        map.put("blockSize", blockSize);
        map.put("blockDelayMillis", blockDelayMillis);
        map.put("timeoutMillis", timeoutMillis);
        map.put("healthTimeoutMillis", healthTimeoutMillis);
        put(map, "requester", requester);
        map.put("step", step.name());
        put(map, "downloadStatus", downloadStatus);
        map.put("downloadProgress", downloadProgress);
        map.put("downloadSize", downloadSize);
        map.put("downloadIndex", downloadIndex);
        put(map, "downloadError", downloadError);
        put(map, "installStatus", installStatus);
        map.put("installProgress", installProgress);
        put(map, "installError", installError);
        put(map, "unitFile", unitFile);
        put(map, "sha256", sha256);
        map.put("changes", changes.stream().map(BundleChange::toMap).toList());
        map.put("interruptionMillis", interruptionMillis);
        put(map, "slot", slot);
        put(map, "fromSlot", fromSlot);
        put(map, "fromVersion", fromVersion);
        map.put("startedAt", startedAt);
        map.put("finishedAt", finishedAt);
        map.put("transferMillis", transferMillis);
        map.put("verifyMillis", verifyMillis);
        put(map, "imageRuntime", imageRuntime);
        if (!imagesBefore.isEmpty()) {
            map.put("imagesBefore", imagesBefore);
        }
        if (!imageSwaps.isEmpty()) {
            map.put("imageSwaps", imageSwaps.stream().map(ImageGate.Swap::toMap).toList());
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    static Job fromMap(Map<String, Object> map) {
        Job job = new Job();
        job.id = number(map, "id");
        job.operation = string(map, "operation");
        job.name = string(map, "name");
        job.version = string(map, "version");
        job.uri = string(map, "uri");
        job.hash = string(map, "hash");
        job.signature = string(map, "signature");
        job.signatureKey = string(map, "signatureKey");
        job.unitType = string(map, "unitType");
        job.install = Boolean.TRUE.equals(map.get("install"));
        job.resume = Boolean.TRUE.equals(map.get("resume"));
        job.force = Boolean.TRUE.equals(map.get("force"));
        job.blockSize = number(map, "blockSize");
        job.blockDelayMillis = number(map, "blockDelayMillis");
        job.timeoutMillis = number(map, "timeoutMillis");
        job.healthTimeoutMillis = number(map, "healthTimeoutMillis");
        job.requester = string(map, "requester");
        job.step = Step.valueOf(string(map, "step"));
        job.downloadStatus = string(map, "downloadStatus");
        job.downloadProgress = (int) number(map, "downloadProgress");
        job.downloadSize = number(map, "downloadSize");
        job.downloadIndex = (int) number(map, "downloadIndex");
        job.downloadError = string(map, "downloadError");
        job.installStatus = string(map, "installStatus");
        job.installProgress = (int) number(map, "installProgress");
        job.installError = string(map, "installError");
        job.unitFile = string(map, "unitFile");
        job.sha256 = string(map, "sha256");
        Object changes = map.get("changes");
        if (changes instanceof List<?> list) {
            for (Object change : list) {
                job.changes.add(BundleChange.fromMap((Map<String, Object>) change));
            }
        }
        job.interruptionMillis = number(map, "interruptionMillis");
        job.slot = string(map, "slot");
        job.fromSlot = string(map, "fromSlot");
        job.fromVersion = string(map, "fromVersion");
        job.startedAt = number(map, "startedAt");
        job.finishedAt = number(map, "finishedAt");
        job.transferMillis = number(map, "transferMillis");
        job.verifyMillis = number(map, "verifyMillis");
        job.imageRuntime = string(map, "imageRuntime");
        if (map.get("imagesBefore") instanceof Map<?, ?> before) {
            before.forEach((reference, id) -> job.imagesBefore.put(String.valueOf(reference), id == null ? "" : String.valueOf(id)));
        }
        if (map.get("imageSwaps") instanceof List<?> swaps) {
            for (Object swap : swaps) {
                job.imageSwaps.add(ImageGate.Swap.fromMap((Map<String, Object>) swap));
            }
        }
        return job;
    }

    private static void put(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    static String string(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value == null ? null : value.toString();
    }

    static long number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value instanceof Number n ? n.longValue() : 0L;
    }
}
