package io.hybridge.fleet.rollout;

/**
 * One rollout as stored. {@code kind} is {@code deploy}, or {@code rollback} for the rollout that
 * returns the gateways of {@code parentId} to their previous versions.
 */
public record Rollout(long id, String name, String kind, long parentId, long unitId, String targetGroup, String waves,
        int successPercent, int errorPercent, ErrorAction errorAction, int concurrency, long gatewayTimeoutMillis,
        long healthTimeoutMillis, int blockSize, RolloutState state, String reason, int currentWave, int waivedWave,
        String owner, long leaseUntil, long created, long started, long ended) {

    public static final String DEPLOY = "deploy";
    public static final String ROLLBACK = "rollback";
}
