package io.hybridge.fleet.inventory;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import io.hybridge.fleet.wire.DeployV2;

/**
 * What the fleet knows of one gateway: its last BIRTH metrics (as text) and whether it is
 * connected (BIRTH seen after the last DC/LWT).
 */
public record Gateway(GatewayId id, boolean online, long lastSeenMillis, Map<String, String> metrics) {
    public Gateway {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    public String metric(String name) {
        return metrics.get(name);
    }

    /** {@code deploy.packages} as name → version. */
    public Map<String, String> packages() {
        return parsePackages(metrics.get(DeployV2.BIRTH_PACKAGES));
    }

    /** The installed version of a deployment unit, or {@code null}. */
    public String installedVersion(String unitName) {
        return packages().get(unitName);
    }

    public static Map<String, String> parsePackages(String value) {
        Map<String, String> packages = new TreeMap<>();
        if (value == null || value.isBlank()) {
            return packages;
        }
        for (String entry : value.split(",")) {
            String e = entry.trim();
            int at = e.lastIndexOf('@');
            if (at > 0) {
                packages.put(e.substring(0, at), e.substring(at + 1));
            }
        }
        return packages;
    }

    public Gateway withOnline(boolean online, long at) {
        return new Gateway(id, online, at, metrics);
    }
}
