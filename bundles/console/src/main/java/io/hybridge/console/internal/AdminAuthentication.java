package io.hybridge.console.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * HTTP Basic authentication of the {@code admin} account (see {@link AdminCredentials}) with
 * per-address rate limiting of failed logins. One instance guards both the web console
 * ({@link HybridgeSecurityProvider}) and the JSON API ({@link ApiServletContext}), so a
 * guesser locked out of one is locked out of the other.
 */
@Component(service = AdminAuthentication.class, configurationPid = "io.hybridge.console.security")
@Designate(ocd = AdminAuthentication.Config.class)
public class AdminAuthentication {

    @ObjectClassDefinition(name = "Hybridge web console security",
            description = "Login rate limiting of the web console and the /api HTTP API. The admin password comes from "
                    + "HYBRIDGE_ADMIN_PASSWORD or var/admin.password, never from here.")
    @interface Config {
        @AttributeDefinition(name = "Free attempts", description = "Failed logins from one address before it must wait.", min = "1")
        int free_attempts() default 5;

        @AttributeDefinition(name = "First lockout (s)", description = "Wait after the free attempts; doubles with each further failure.", min = "1")
        int lockout_seconds() default 2;

        @AttributeDefinition(name = "Longest lockout (s)", min = "1")
        int max_lockout_seconds() default 300;
    }

    private static final Logger LOG = LoggerFactory.getLogger(AdminAuthentication.class);
    private static final String REALM = "Hybridge gateway";

    private final CompletableFuture<AdminCredentials> credentials;
    private final LoginThrottle throttle;

    @Activate
    public AdminAuthentication(BundleContext context, Config config) {
        this(varDirectory(context), System.getenv("HYBRIDGE_ADMIN_PASSWORD"), PasswordHash.DEFAULT_ITERATIONS,
                new LoginThrottle(config.free_attempts(), Duration.ofSeconds(config.lockout_seconds()),
                        Duration.ofSeconds(config.max_lockout_seconds()), Clock.systemUTC()));
    }

    AdminAuthentication(Path varDir, String envPassword, int iterations, LoginThrottle throttle) {
        this.throttle = throttle;
        try {
            AdminCredentials.writePasswordIfMissing(varDir, envPassword);
        } catch (IOException e) {
            LOG.error("cannot write the generated web console password under {}: {}", varDir, e.toString());
        }
        // hashing is slow on purpose: do it off the start-up path; logins wait for it
        this.credentials = CompletableFuture.supplyAsync(() -> {
            try {
                return AdminCredentials.initialize(varDir, envPassword, iterations);
            } catch (IOException e) {
                LOG.error("cannot set up the web console credentials under {}: {}", varDir, e.toString());
                throw new IllegalStateException(e);
            }
        });
    }

    private static Path varDirectory(BundleContext context) {
        String var = context.getProperty("hybridge.var");
        return var != null ? Path.of(var) : context.getDataFile("").toPath();
    }

    /**
     * Checks the request's Basic credentials. On success returns the user name; otherwise
     * has answered the request itself — 401 with a challenge, 429 with {@code Retry-After}
     * while the address is locked out, 503 while the credentials cannot be read — and
     * returns null.
     *
     * @param what what is being logged into, for the log: "web console", "HTTP API"
     */
    public String authenticate(HttpServletRequest request, HttpServletResponse response, String what) {
        String client = request.getRemoteAddr();
        try {
            Duration wait = throttle.retryAfter(client);
            if (!wait.isZero()) {
                long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
                response.setHeader("Retry-After", Long.toString(seconds));
                response.sendError(429, "Too many failed logins from " + client + "; retry in " + seconds + " s");
                return null;
            }
            String[] basic = basicCredentials(request.getHeader("Authorization"));
            if (basic == null) {
                challenge(response);
                return null;
            }
            AdminCredentials admin = credentials.get(30, TimeUnit.SECONDS);
            if (admin.check(basic[0], basic[1])) {
                throttle.succeeded(client);
                return AdminCredentials.USER;
            }
            int failures = throttle.failed(client);
            LOG.warn("{} login failed for user '{}' from {} ({} failure(s) in a row)", what, basic[0], client, failures);
            challenge(response);
            return null;
        } catch (IOException e) {
            LOG.debug("could not answer {}", client, e);
            return null;
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.error("web console credentials are not available: {}", e.toString());
            sendQuietly(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return null;
        }
    }

    /** Returns {user, password} from a Basic Authorization header, or null when absent or malformed. */
    static String[] basicCredentials(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    private static void challenge(HttpServletResponse response) throws IOException {
        response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\", charset=\"UTF-8\"");
        response.sendError(HttpServletResponse.SC_UNAUTHORIZED);
    }

    /** Answers with this status (a fresh challenge for 401), unless the response is already committed. */
    static void sendQuietly(HttpServletResponse response, int status) {
        try {
            if (status == HttpServletResponse.SC_UNAUTHORIZED) {
                challenge(response);
            } else {
                response.sendError(status);
            }
        } catch (IOException | IllegalStateException ignored) {
            // the response is already committed; nothing more to say
        }
    }
}
