package io.hybridge.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.startlevel.FrameworkStartLevel;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The launcher's minimal health gate for a slot on trial, used until the deploy bundle confirms
 * itself: the framework at its final start level, every feature bundle active, and
 * {@code GET /health} answering 200 with {@code UP} or {@code DEGRADED} — all of it without a
 * break for {@code hybridge.selfupdate.confirm.seconds}. It knows nothing of workloads or the
 * cloud link; that is the deploy bundle's gate.
 */
final class HealthConfirmer {

    private static final JsonFactory JSON = new JsonFactory();

    private final Duration stableFor;
    private final int beginningStartLevel;
    private final URI health; // null: no HTTP, judge the bundles only
    private Instant healthySince;
    private volatile String lastProblem = "not judged yet";

    HealthConfirmer(Duration stableFor, int beginningStartLevel, URI health) {
        this.stableFor = stableFor;
        this.beginningStartLevel = beginningStartLevel;
        this.health = health;
    }

    static HealthConfirmer from(GatewayProperties properties) {
        Duration stable = Duration.ofSeconds(Long.parseLong(properties.get("hybridge.selfupdate.confirm.seconds", "10")));
        int level = Integer.parseInt(properties.get("org.osgi.framework.startlevel.beginning", "1"));
        URI health = null;
        if (Boolean.parseBoolean(properties.get("org.apache.felix.http.enable", "true"))) {
            String host = properties.get("org.apache.felix.http.host", "");
            if (host.isBlank() || "0.0.0.0".equals(host) || "::".equals(host)) {
                host = "127.0.0.1";
            }
            health = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                    + properties.get("org.osgi.service.http.port", "8080") + "/health");
        }
        return new HealthConfirmer(stable, level, health);
    }

    Duration stableFor() {
        return stableFor;
    }

    /** Why the slot was not healthy at the last look (for the failure reason). */
    String lastProblem() {
        return lastProblem;
    }

    /** True once the gateway has been healthy without a break for the stable period. */
    boolean healthy(Framework framework, Instant now) {
        String problem = problem(framework);
        if (problem != null) {
            lastProblem = problem;
            healthySince = null;
            return false;
        }
        lastProblem = "healthy, but not yet for " + stableFor.toSeconds() + " s";
        if (healthySince == null) {
            healthySince = now;
        }
        return !now.isBefore(healthySince.plus(stableFor));
    }

    private String problem(Framework framework) {
        if (framework.getState() != Bundle.ACTIVE) {
            return "the framework is not active";
        }
        int level = framework.adapt(FrameworkStartLevel.class).getStartLevel();
        if (level < beginningStartLevel) {
            return "the framework is at start level " + level + " of " + beginningStartLevel;
        }
        for (Bundle bundle : framework.getBundleContext().getBundles()) {
            boolean fragment = bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null;
            if (bundle.getLocation().startsWith("feature:") && !fragment && bundle.getState() != Bundle.ACTIVE) {
                return "feature bundle " + bundle.getSymbolicName() + " is not active (state " + bundle.getState() + ")";
            }
        }
        return health == null ? null : healthProblem();
    }

    private String healthProblem() {
        try {
            HttpURLConnection connection = (HttpURLConnection) health.toURL().openConnection();
            connection.setConnectTimeout(1000);
            connection.setReadTimeout(2000);
            int code = connection.getResponseCode();
            try (InputStream in = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                String status = in == null ? null : topLevelStatus(in);
                if (code != 200) {
                    return health + " answered " + code + " (status " + status + ")";
                }
                if (!"UP".equals(status) && !"DEGRADED".equals(status)) {
                    return health + " reports status " + status;
                }
                return null;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return health + " does not answer: " + e.getMessage();
        }
    }

    private static String topLevelStatus(InputStream in) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                if ("status".equals(field)) {
                    return parser.getValueAsString();
                }
                parser.skipChildren();
            }
            return null;
        }
    }
}
