package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

/**
 * Talks the OCI distribution spec (v1.1) to one registry at a time over the JDK's HttpClient:
 * manifests by tag or digest, blobs by digest. Authentication follows the registry's
 * {@code WWW-Authenticate}: anonymous first, then HTTP Basic or the Bearer token flow with the
 * configured account. Plain HTTP only to loopback registries and registries configured
 * insecure. Redirects are followed by hand so credentials never go to another host (blob
 * storage behind a registry).
 */
final class RegistryClient {

    /** A fetched manifest or index: its bytes, the media type the registry gave, their digest. */
    record Fetched(byte[] content, String mediaType, String digest) {
    }

    private static final int MAX_REDIRECTS = 5;

    private final HttpClient http;
    private final Function<String, Optional<RegistryAccount>> accounts;
    private final Duration requestTimeout;
    /** Authorization header values that worked, per registry and repository, reused until refused. */
    private final Map<String, String> authorizations = new ConcurrentHashMap<>();

    RegistryClient(Function<String, Optional<RegistryAccount>> accounts, Duration connectTimeout, Duration requestTimeout) {
        this.accounts = accounts;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The manifest or index {@code reference} (a tag or a digest) names in {@code image}'s repository. */
    Fetched manifest(ImageReference image, String reference) throws WorkloadException {
        URI uri = base(image).resolve("/v2/" + image.repository() + "/manifests/" + reference);
        HttpResponse<InputStream> response = send(image, uri, OciDocuments.ACCEPT, "manifest " + reference);
        try (InputStream body = response.body()) {
            byte[] content = body.readNBytes((int) OciDocuments.MAX_DOCUMENT_BYTES + 1);
            if (content.length > OciDocuments.MAX_DOCUMENT_BYTES) {
                throw new WorkloadException(Reason.IMAGE_INVALID, "manifest " + reference + " of " + image.name()
                        + " is larger than " + OciDocuments.MAX_DOCUMENT_BYTES + " bytes");
            }
            String mediaType = response.headers().firstValue("Content-Type").orElse("").replaceFirst(";.*", "").strip();
            return new Fetched(content, mediaType, Digest.of(content));
        } catch (IOException e) {
            throw unavailable(image, uri, e);
        }
    }

    /** Streams a blob into the cache, verified against its descriptor. */
    void blob(ImageReference image, OciDocuments.Descriptor blob, BlobCache cache, String what) throws WorkloadException {
        URI uri = base(image).resolve("/v2/" + image.repository() + "/blobs/" + blob.digest());
        HttpResponse<InputStream> response = send(image, uri, "*/*", what + " " + blob.digest());
        try (InputStream body = response.body()) {
            cache.store(body, blob.digest(), blob.size(), blob.size(), what + " of " + image);
        } catch (IOException e) {
            throw unavailable(image, uri, e);
        }
    }

    /** {@code https://host} unless the registry is on loopback or configured insecure. */
    URI base(ImageReference image) {
        String host = image.registry();
        boolean insecure = isLoopback(host) || accounts.apply(host).map(RegistryAccount::insecure).orElse(false);
        return URI.create((insecure ? "http://" : "https://") + host);
    }

    static boolean isLoopback(String hostAndPort) {
        String host = hostAndPort;
        if (host.startsWith("[")) {
            host = host.substring(1, host.indexOf(']'));
        } else if (host.indexOf(':') >= 0) {
            host = host.substring(0, host.indexOf(':'));
        }
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // literal addresses only: a name is never resolved to decide this
        if (host.matches("[0-9.]+") || host.contains(":")) {
            try {
                return InetAddress.getByName(host).isLoopbackAddress();
            } catch (IOException e) {
                return false;
            }
        }
        return false;
    }

    private HttpResponse<InputStream> send(ImageReference image, URI uri, String accept, String what) throws WorkloadException {
        String key = image.registry() + "/" + image.repository();
        Optional<RegistryAccount> account = accounts.apply(image.registry()).filter(a -> !a.anonymous());
        String authorization = authorizations.get(key);
        boolean triedCredentials = false;
        for (int attempt = 0; attempt < 3; attempt++) {
            HttpResponse<InputStream> response = get(image, uri, accept, authorization);
            int status = response.statusCode();
            if (status == 200) {
                if (authorization != null) {
                    authorizations.put(key, authorization);
                }
                return response;
            }
            close(response);
            if (status == 401) {
                if (triedCredentials) {
                    throw refused(image, account);
                }
                authorizations.remove(key);
                AuthChallenge challenge = AuthChallenge.parse(response.headers().firstValue("WWW-Authenticate").orElse(""))
                        .orElseThrow(() -> new WorkloadException(Reason.REGISTRY_AUTH, "registry " + image.registry()
                                + " refused " + what + " of " + image.name() + " (401) without saying how to authenticate"));
                authorization = authorize(image, challenge, account);
                triedCredentials = true;
                continue;
            }
            if (status == 403) {
                throw new WorkloadException(Reason.REGISTRY_AUTH, "registry " + image.registry() + " denies "
                        + account.map(a -> "user " + a.username()).orElse("anonymous access") + " to " + image.name() + " (403)");
            }
            if (status == 404) {
                throw new WorkloadException(Reason.IMAGE_NOT_FOUND, "registry " + image.registry() + " has no " + what
                        + " of " + image.name() + " (404); check the repository and tag of " + image);
            }
            throw new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "registry " + image.registry() + " answered " + status
                    + " for " + what + " of " + image.name());
        }
        throw refused(image, account);
    }

    /** GET following redirects by hand: the Authorization header goes only to the registry's own host. */
    private HttpResponse<InputStream> get(ImageReference image, URI start, String accept, String authorization) throws WorkloadException {
        URI uri = start;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", accept).GET();
            boolean sameHost = uri.getAuthority().equalsIgnoreCase(start.getAuthority());
            if (authorization != null && sameHost) {
                request.header("Authorization", authorization);
            }
            HttpResponse<InputStream> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException e) {
                throw unavailable(image, uri, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "interrupted while talking to registry " + image.registry());
            }
            int status = response.statusCode();
            Optional<String> location = response.headers().firstValue("Location");
            if ((status == 301 || status == 302 || status == 303 || status == 307 || status == 308) && location.isPresent()) {
                close(response);
                URI next = uri.resolve(location.get());
                if (next.getScheme().equals("http") && uri.getScheme().equals("https")) {
                    throw new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "registry " + image.registry()
                            + " redirects from HTTPS to plain HTTP (" + next.getHost() + "); refused");
                }
                uri = next;
                continue;
            }
            return response;
        }
        throw new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "registry " + image.registry() + " redirects more than "
                + MAX_REDIRECTS + " times for " + start.getPath());
    }

    private String authorize(ImageReference image, AuthChallenge challenge, Optional<RegistryAccount> account)
            throws WorkloadException {
        if (challenge.isBasic()) {
            RegistryAccount a = account.orElseThrow(() -> noCredentials(image));
            return basic(a);
        }
        if (challenge.isBearer()) {
            return "Bearer " + token(image, challenge, account);
        }
        throw new WorkloadException(Reason.REGISTRY_AUTH, "registry " + image.registry() + " asks for authentication scheme '"
                + challenge.scheme() + "'; only Basic and Bearer are supported");
    }

    /** The token flow of the distribution spec: GET realm?service=..&scope=.., with the account if there is one. */
    private String token(ImageReference image, AuthChallenge challenge, Optional<RegistryAccount> account) throws WorkloadException {
        String realm = challenge.param("realm");
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            realmUri = null;
        }
        if (realmUri == null || realmUri.getScheme() == null || !(realmUri.getScheme().equals("https") || realmUri.getScheme().equals("http"))) {
            throw new WorkloadException(Reason.REGISTRY_AUTH, "registry " + image.registry() + " names token realm '" + realm
                    + "', not an http(s) URL");
        }
        if (realmUri.getScheme().equals("http") && !isLoopback(realmUri.getAuthority()) && base(image).getScheme().equals("https")) {
            throw new WorkloadException(Reason.REGISTRY_AUTH, "registry " + image.registry() + " names token realm " + realm
                    + " over plain HTTP; credentials are sent there only over HTTPS (or configure the registry insecure)");
        }
        String scope = challenge.param("scope").isEmpty() ? "repository:" + image.repository() + ":pull" : challenge.param("scope");
        StringBuilder query = new StringBuilder();
        if (!challenge.param("service").isEmpty()) {
            query.append("service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8)).append('&');
        }
        query.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        URI uri = URI.create(realm + (realm.contains("?") ? "&" : "?") + query);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(requestTimeout).GET();
        account.ifPresent(a -> request.header("Authorization", basic(a)));
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw unavailable(image, uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "interrupted while asking " + realm + " for a token");
        }
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw account.isPresent() ? refused(image, account) : noCredentials(image);
        }
        if (response.statusCode() != 200) {
            throw new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "token service " + realm + " of registry " + image.registry()
                    + " answered " + response.statusCode());
        }
        Map<String, Object> json;
        try {
            json = OciDocuments.json(response.body(), "token of " + realm);
        } catch (WorkloadException e) {
            throw new WorkloadException(Reason.REGISTRY_AUTH, e.getMessage());
        }
        Object token = json.containsKey("token") ? json.get("token") : json.get("access_token");
        if (token == null || token.toString().isBlank()) {
            throw new WorkloadException(Reason.REGISTRY_AUTH, "token service " + realm + " of registry " + image.registry()
                    + " answered without a token");
        }
        return token.toString();
    }

    private static String basic(RegistryAccount account) {
        return "Basic " + Base64.getEncoder().encodeToString((account.username() + ":" + account.password()).getBytes(StandardCharsets.UTF_8));
    }

    private static WorkloadException refused(ImageReference image, Optional<RegistryAccount> account) {
        return account.isPresent()
                ? new WorkloadException(Reason.REGISTRY_AUTH, "registry " + image.registry() + " refused the credentials of user "
                        + account.get().username() + " for " + image.name() + "; check the password of factory configuration "
                        + RegistryCredential.FACTORY_PID + " for " + image.registry())
                : noCredentials(image);
    }

    private static WorkloadException noCredentials(ImageReference image) {
        return new WorkloadException(Reason.REGISTRY_AUTH, "registry " + image.registry() + " asks for credentials to pull "
                + image.name() + " and none are configured; add a factory configuration " + RegistryCredential.FACTORY_PID
                + " with registry=" + image.registry());
    }

    private static WorkloadException unavailable(ImageReference image, URI uri, IOException e) {
        String why = e instanceof HttpTimeoutException ? "timed out"
                : e instanceof ConnectException ? "refused the connection" : e.getClass().getSimpleName() + ": " + e.getMessage();
        return new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "registry " + image.registry() + " does not answer ("
                + uri.getScheme() + "://" + uri.getAuthority() + " " + why + ")", e);
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // nothing was to be read from it
        }
    }
}
