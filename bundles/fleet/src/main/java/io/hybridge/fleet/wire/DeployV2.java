package io.hybridge.fleet.wire;

/**
 * The names of the OTA wire contract (Kura DEPLOY-V2 plus the Hybridge additions) in one place:
 * the fleet manager and the simulator speak it, the gateway's DEPLOY-V2 app answers it.
 */
public final class DeployV2 {
    public static final String APP = "DEPLOY-V2";

    public static final String REQUEST_ID = "request.id";
    public static final String REQUESTER = "requester.client.id";
    public static final String RESPONSE_CODE = "response.code";
    public static final String RESPONSE_MESSAGE = "response.exception.message";

    public static final String URI = "dp.uri";
    public static final String NAME = "dp.name";
    public static final String VERSION = "dp.version";
    public static final String JOB_ID = "job.id";
    public static final String PROTOCOL = "dp.download.protocol";
    public static final String BLOCK_SIZE = "dp.download.block.size";
    public static final String BLOCK_DELAY = "dp.download.block.delay";
    public static final String TIMEOUT = "dp.download.timeout";
    public static final String RESUME = "dp.download.resume";
    public static final String HASH = "dp.download.hash";
    public static final String FORCE = "dp.download.force";
    public static final String INSTALL = "dp.install";
    public static final String SYSTEM_UPDATE = "dp.install.system.update";
    public static final String SIGNATURE = "dp.signature";
    public static final String SIGNATURE_KEY = "dp.signature.key";
    public static final String UNIT_TYPE = "dp.unit.type";
    public static final String HEALTH_TIMEOUT = "dp.health.timeout";

    public static final String DOWNLOAD_PROGRESS = "dp.download.progress";
    public static final String DOWNLOAD_SIZE = "dp.download.size";
    public static final String DOWNLOAD_INDEX = "dp.download.index";
    public static final String DOWNLOAD_STATUS = "dp.download.status";
    public static final String DOWNLOAD_ERROR = "dp.download.error.message";
    public static final String INSTALL_PROGRESS = "dp.install.progress";
    public static final String INSTALL_STATUS = "dp.install.status";
    public static final String INSTALL_ERROR = "dp.install.error.message";
    /** Kura's names for the uninstall notification (not spelled out by the contract; Kura's own). */
    public static final String UNINSTALL_PROGRESS = "dp.uninstall.progress";
    public static final String UNINSTALL_STATUS = "dp.uninstall.status";
    public static final String UNINSTALL_ERROR = "dp.uninstall.error.message";

    public static final String BIRTH_PACKAGES = "deploy.packages";
    public static final String BIRTH_JOB_LAST = "deploy.job.last";
    public static final String BIRTH_UNSIGNED_ALLOWED = "deploy.unsigned.allowed";

    public static final String IN_PROGRESS = "IN_PROGRESS";
    public static final String COMPLETED = "COMPLETED";
    public static final String FAILED = "FAILED";
    public static final String ROLLED_BACK = "ROLLED_BACK";

    private DeployV2() {
    }
}
