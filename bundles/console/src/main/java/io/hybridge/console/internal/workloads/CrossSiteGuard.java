package io.hybridge.console.internal.workloads;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Refuses state-changing requests that a browser sends on behalf of another site (CSRF).
 *
 * <p>Why it is needed: the console and {@code /api} use HTTP Basic, and a browser that has
 * logged in sends those credentials with every request to the gateway, also a form that a
 * foreign page submits. The Felix Web Console 5 offers its plugins no CSRF token, so the
 * Hybridge pages carry their own:
 * <ul>
 *   <li><b>same origin</b>: when the browser says where the request comes from ({@code Origin},
 *       else {@code Referer}; {@code Sec-Fetch-Site}), that must be this gateway as the request
 *       addressed it ({@code Host}). Browsers always send {@code Origin} with a cross-site POST,
 *       PUT or DELETE; scripts (curl) send none and are let through, they hold the password
 *       themselves;</li>
 *   <li><b>form token</b> (console forms only): a random value made at start and written into
 *       each form; a foreign page cannot read the console's HTML, so it cannot know it. It
 *       protects also a browser that sends neither header.</li>
 * </ul>
 */
public final class CrossSiteGuard {

    static final String TOKEN_FIELD = "token";

    private final String token;

    CrossSiteGuard() {
        this(newToken());
    }

    CrossSiteGuard(String token) {
        this.token = token;
    }

    private static String newToken() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** The value every console form sends in {@link #TOKEN_FIELD}. */
    String token() {
        return token;
    }

    /** Why a console form post is refused, or null when it may go ahead. */
    String refuseForm(HttpServletRequest request, String sentToken) {
        String crossSite = refuseCrossSite(request);
        if (crossSite != null) {
            return crossSite;
        }
        if (sentToken == null || !MessageDigest.isEqual(token.getBytes(StandardCharsets.UTF_8),
                sentToken.getBytes(StandardCharsets.UTF_8))) {
            return "the form's token is missing or stale (the gateway restarted since the page was loaded); "
                    + "reload the page and try again";
        }
        return null;
    }

    /** Why a request is refused as coming from another site, or null when it may go ahead. */
    public static String refuseCrossSite(HttpServletRequest request) {
        String host = request.getHeader("Host");
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equalsIgnoreCase("same-origin") && !fetchSite.equalsIgnoreCase("none")) {
            return "the browser says this request comes from another site (Sec-Fetch-Site: " + fetchSite + ")";
        }
        String origin = request.getHeader("Origin");
        if (origin != null) {
            return sameHost(origin, host) ? null
                    : "the request comes from " + origin + ", not from this gateway (" + host + ")";
        }
        String referer = request.getHeader("Referer");
        if (referer != null) {
            return sameHost(referer, host) ? null
                    : "the request comes from a page of another site, not from this gateway (" + host + ")";
        }
        return null;
    }

    /** Whether an Origin or Referer URL names the same host and port as the Host header. */
    static boolean sameHost(String url, String host) {
        if (host == null || url.equals("null")) {
            return false;
        }
        try {
            URI uri = URI.create(url.trim());
            if (uri.getHost() == null) {
                return false;
            }
            String authority = uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
            return withoutDefaultPort(authority, uri.getScheme())
                    .equalsIgnoreCase(withoutDefaultPort(host.trim(), uri.getScheme()));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static String withoutDefaultPort(String authority, String scheme) {
        String port = "https".equalsIgnoreCase(scheme) ? ":443" : ":80";
        return authority.endsWith(port) ? authority.substring(0, authority.length() - port.length()) : authority;
    }
}
