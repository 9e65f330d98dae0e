package io.hybridge.fleet.rollout;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.fleet.wire.DeployV2;

/**
 * The per-gateway state machine: what a reply, a notification, a timeout or the gateway going
 * away does to a target. Each method returns whether the target changed. A notification for
 * an outcome already recorded changes nothing, so duplicates (QoS 1, resync by GET/download)
 * are harmless.
 */
public final class TargetTransitions {

    private TargetTransitions() {
    }

    public static void dispatched(Target t, long jobId, long now) {
        t.state = TargetState.REQUESTED;
        t.jobId = jobId;
        t.attempts++;
        t.progress = 0;
        t.message = null;
        t.dispatched = now;
        t.updated = now;
        t.finished = 0;
    }

    /** The gateway accepted the job (200). */
    public static boolean accepted(Target t, long now) {
        if (t.state != TargetState.REQUESTED) {
            return false;
        }
        t.state = Target.UNINSTALL.equals(t.action()) ? TargetState.INSTALLING : TargetState.DOWNLOADING;
        t.updated = now;
        return true;
    }

    /** The gateway refused the job: 4xx/5xx, with its message. */
    public static boolean refused(Target t, int code, String message, long now) {
        if (t.state != TargetState.REQUESTED) {
            return false;
        }
        return finish(t, TargetState.FAILED, "refused (" + code + "): " + (message == null ? "no message" : message), now);
    }

    /** The gateway is busy with another job: back to pending, try again later. */
    public static boolean busy(Target t, String message, long now, long retryAt) {
        if (t.state != TargetState.REQUESTED) {
            return false;
        }
        t.state = TargetState.PENDING;
        t.message = message;
        t.updated = now;
        t.notBefore = retryAt;
        return true;
    }

    public static boolean noReply(Target t, String message, long now) {
        if (t.state != TargetState.REQUESTED) {
            return false;
        }
        return finish(t, TargetState.OFFLINE, message, now);
    }

    public static boolean offline(Target t, long now) {
        if (t.state.terminal()) {
            return false;
        }
        return finish(t, TargetState.OFFLINE, "gateway not connected", now);
    }

    public static boolean timedOut(Target t, long timeoutMillis, long now) {
        if (!t.state.inFlight()) {
            return false;
        }
        return finish(t, TargetState.TIMED_OUT, "no outcome within " + timeoutMillis + " ms (last: " + t.state + ")", now);
    }

    public static boolean cancelled(Target t, long now) {
        if (t.state != TargetState.PENDING) {
            return false;
        }
        return finish(t, TargetState.CANCELLED, "rollout stopped before this gateway's turn", now);
    }

    /**
     * A {@code download}, {@code install} or {@code uninstall} notification (or the same metrics
     * from GET/download). Accepted for in-flight targets, and for offline or timed-out ones so a
     * gateway that comes back late still reports its real outcome.
     */
    public static boolean notified(Target t, String type, KuraPayload n, long now) {
        if (settledByBirth(t)) {
            return explainBirthOutcome(t, type, n, now);
        }
        if (!(t.state.inFlight() || t.state == TargetState.OFFLINE || t.state == TargetState.TIMED_OUT)) {
            return false;
        }
        switch (type) {
            case "download" -> {
                String status = text(n, DeployV2.DOWNLOAD_STATUS);
                if (DeployV2.FAILED.equals(status)) {
                    return finish(t, TargetState.FAILED, "download failed: " + text(n, DeployV2.DOWNLOAD_ERROR), now);
                }
                if (DeployV2.COMPLETED.equals(status)) {
                    return move(t, TargetState.INSTALLING, 0, now);
                }
                if (DeployV2.IN_PROGRESS.equals(status)) {
                    return move(t, TargetState.DOWNLOADING, number(n, DeployV2.DOWNLOAD_PROGRESS), now);
                }
                return false;
            }
            case "install" -> {
                return installOutcome(t, text(n, DeployV2.INSTALL_STATUS), number(n, DeployV2.INSTALL_PROGRESS),
                        text(n, DeployV2.INSTALL_ERROR), now);
            }
            case "uninstall" -> {
                return installOutcome(t, text(n, DeployV2.UNINSTALL_STATUS), number(n, DeployV2.UNINSTALL_PROGRESS),
                        text(n, DeployV2.UNINSTALL_ERROR), now);
            }
            default -> {
                return false;
            }
        }
    }

    /** {@code deploy.job.last = <job.id>:<status>} from a BIRTH: the outcome of a job whose notification may be lost. */
    public static boolean lastJob(Target t, String status, long now) {
        if (!(t.state.inFlight() || t.state == TargetState.OFFLINE || t.state == TargetState.TIMED_OUT)) {
            return false;
        }
        return switch (status) {
            case DeployV2.COMPLETED -> finish(t, TargetState.SUCCEEDED, null, now);
            case DeployV2.FAILED -> finish(t, TargetState.FAILED, "failed " + FROM_BIRTH, now);
            case DeployV2.ROLLED_BACK -> finish(t, TargetState.ROLLED_BACK, "rolled back by the gateway " + FROM_BIRTH, now);
            default -> false;
        };
    }

    private static final String FROM_BIRTH = "(reported in BIRTH)";

    private static boolean settledByBirth(Target t) {
        return (t.state == TargetState.FAILED || t.state == TargetState.ROLLED_BACK) && t.message != null
                && t.message.endsWith(FROM_BIRTH);
    }

    /**
     * A gateway publishes its BIRTH directly but its notifications through its store-and-forward
     * queue, so the BIRTH with {@code deploy.job.last} may overtake the install notification that
     * carries the reason. The outcome stays what BIRTH said; a notification of the same outcome
     * only replaces the generic message with the gateway's reason.
     */
    private static boolean explainBirthOutcome(Target t, String type, KuraPayload n, long now) {
        String status;
        String reason;
        switch (type) {
            case "download" -> {
                status = text(n, DeployV2.DOWNLOAD_STATUS);
                reason = "download failed: " + text(n, DeployV2.DOWNLOAD_ERROR);
            }
            case "install" -> {
                status = text(n, DeployV2.INSTALL_STATUS);
                reason = DeployV2.ROLLED_BACK.equals(status)
                        ? "health gate failed, previous version restored: " + text(n, DeployV2.INSTALL_ERROR)
                        : "install failed: " + text(n, DeployV2.INSTALL_ERROR);
            }
            case "uninstall" -> {
                status = text(n, DeployV2.UNINSTALL_STATUS);
                reason = "install failed: " + text(n, DeployV2.UNINSTALL_ERROR);
            }
            default -> {
                return false;
            }
        }
        boolean same = (t.state == TargetState.FAILED && DeployV2.FAILED.equals(status))
                || (t.state == TargetState.ROLLED_BACK && DeployV2.ROLLED_BACK.equals(status));
        if (!same) {
            return false;
        }
        t.message = reason.length() <= 2000 ? reason : reason.substring(0, 2000);
        t.updated = now;
        return true;
    }

    private static boolean installOutcome(Target t, String status, int progress, String error, long now) {
        if (status == null) {
            return false;
        }
        return switch (status) {
            case DeployV2.COMPLETED -> finish(t, TargetState.SUCCEEDED, null, now);
            case DeployV2.FAILED -> finish(t, TargetState.FAILED, "install failed: " + error, now);
            case DeployV2.ROLLED_BACK -> finish(t, TargetState.ROLLED_BACK, "health gate failed, previous version restored: " + error, now);
            case DeployV2.IN_PROGRESS -> move(t, TargetState.INSTALLING, progress, now);
            default -> false;
        };
    }

    private static boolean move(Target t, TargetState to, int progress, long now) {
        if (t.state == to && t.progress == progress) {
            return false;
        }
        // a late progress notice must not move an installing gateway back to downloading
        if (to == TargetState.DOWNLOADING && t.state == TargetState.INSTALLING) {
            return false;
        }
        t.state = to;
        t.progress = Math.max(0, Math.min(100, progress));
        t.updated = now;
        return true;
    }

    private static boolean finish(Target t, TargetState to, String message, long now) {
        t.state = to;
        t.message = message == null || message.length() <= 2000 ? message : message.substring(0, 2000);
        if (to == TargetState.SUCCEEDED) {
            t.progress = 100;
        }
        t.updated = now;
        t.finished = now;
        return true;
    }

    static String text(KuraPayload p, String name) {
        Object v = p.metric(name);
        return v == null ? null : v.toString();
    }

    static int number(KuraPayload p, String name) {
        Object v = p.metric(name);
        if (v instanceof Number n) {
            return n.intValue();
        }
        try {
            return v == null ? 0 : Integer.parseInt(v.toString().trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
