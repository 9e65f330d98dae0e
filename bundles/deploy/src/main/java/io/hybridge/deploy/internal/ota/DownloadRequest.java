package io.hybridge.deploy.internal.ota;

import java.net.URI;
import java.util.Locale;

import io.hybridge.api.cloud.KuraPayload;

/**
 * Reads the metrics of a DEPLOY-V2 request into a {@link Job}, checking each one; a bad metric
 * is refused with its name and what would be right (the 400 reply's message).
 */
final class DownloadRequest {

    private DownloadRequest() {
    }

    static Job parse(KuraPayload payload, String requester) {
        Job job = new Job();
        job.requester = requester;
        job.id = requiredLong(payload, "job.id");
        job.name = requiredString(payload, "dp.name");
        job.version = requiredString(payload, "dp.version");
        job.uri = requiredString(payload, "dp.uri");
        URI uri;
        try {
            uri = URI.create(job.uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dp.uri: '" + job.uri + "' is not a URI: " + e.getMessage());
        }
        Downloader.problemWith(uri).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        String protocol = optionalString(payload, "dp.download.protocol");
        if (protocol != null && !protocol.equalsIgnoreCase("HTTP") && !protocol.equalsIgnoreCase("HTTPS")) {
            throw new IllegalArgumentException("dp.download.protocol: '" + protocol + "' is not supported; use HTTP");
        }
        String hash = optionalString(payload, "dp.download.hash");
        if (hash != null) {
            job.hash = UnitHash.parse(hash).toString();
        }
        job.blockSize = optionalLong(payload, "dp.download.block.size", 0);
        job.blockDelayMillis = optionalLong(payload, "dp.download.block.delay", 0);
        job.timeoutMillis = optionalLong(payload, "dp.download.timeout", 0);
        job.healthTimeoutMillis = optionalLong(payload, "dp.health.timeout", 0);
        if (job.blockSize < 0 || job.blockDelayMillis < 0 || job.timeoutMillis < 0 || job.healthTimeoutMillis < 0) {
            throw new IllegalArgumentException("dp.download.block.size, dp.download.block.delay, dp.download.timeout and"
                    + " dp.health.timeout must not be negative");
        }
        job.resume = optionalBoolean(payload, "dp.download.resume", false);
        job.force = optionalBoolean(payload, "dp.download.force", false);
        job.install = optionalBoolean(payload, "dp.install", true);
        job.signature = optionalString(payload, "dp.signature");
        job.signatureKey = optionalString(payload, "dp.signature.key");
        if (job.signatureKey != null) {
            job.signatureKey = job.signatureKey.trim().toLowerCase(Locale.ROOT);
            if (!job.signatureKey.matches("[0-9a-f]{16}")) {
                throw new IllegalArgumentException("dp.signature.key: '" + job.signatureKey + "' is not a key id"
                        + " (16 hex characters of SHA-256 over the public key's SubjectPublicKeyInfo)");
            }
        }
        String type = optionalString(payload, "dp.unit.type");
        if (type != null) {
            String wire = type.trim().toLowerCase(Locale.ROOT);
            if (UnitArchive.Type.fromWire(wire).isEmpty()) {
                throw new IllegalArgumentException("dp.unit.type: '" + type
                        + "' is not bundle, feature, workload-image or self-update");
            }
            job.unitType = wire;
        }
        if (optionalBoolean(payload, "dp.install.system.update", false)) {
            // Kura's name for an update of the gateway itself: here a two-slot self-update
            if (job.unitType != null && !job.unitType.equals(UnitArchive.Type.SELF_UPDATE.wireName)) {
                throw new IllegalArgumentException("dp.install.system.update=true but dp.unit.type is " + job.unitType
                        + "; a system update is a self-update (a hybridge-<version>.tar.gz)");
            }
            job.unitType = UnitArchive.Type.SELF_UPDATE.wireName;
        }
        return job;
    }

    static String requiredString(KuraPayload payload, String name) {
        String value = optionalString(payload, name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return value.trim();
    }

    static String optionalString(KuraPayload payload, String name) {
        Object value = payload.metric(name);
        return value == null ? null : value.toString();
    }

    static long requiredLong(KuraPayload payload, String name) {
        if (payload.metric(name) == null) {
            throw new IllegalArgumentException(name + " is missing");
        }
        return optionalLong(payload, name, 0);
    }

    static long optionalLong(KuraPayload payload, String name, long otherwise) {
        Object value = payload.metric(name);
        if (value == null) {
            return otherwise;
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + value + "' is not a whole number");
        }
    }

    static boolean optionalBoolean(KuraPayload payload, String name, boolean otherwise) {
        Object value = payload.metric(name);
        if (value == null) {
            return otherwise;
        }
        if (value instanceof Boolean bool) {
            return bool;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(name + ": '" + value + "' is not true or false");
    }
}
