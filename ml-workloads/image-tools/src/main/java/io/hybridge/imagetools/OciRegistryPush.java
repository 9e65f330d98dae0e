package io.hybridge.imagetools;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Pushes an image from an OCI image layout to a registry with the OCI distribution API
 * (CNCF Distribution, {@code docker-registry}): each blob unless the registry has it
 * ({@code HEAD}), as one monolithic upload ({@code POST .../blobs/uploads/} then {@code PUT
 * ?digest=}), then the manifest under the tag. Meant for the gateway's loopback registry and
 * tests: plain HTTP or HTTPS, no credentials or HTTP basic authentication (a registry with an
 * htpasswd file); token servers are not spoken.
 */
public final class OciRegistryPush {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI registry;
    private final String authorization;

    /** @param registry e.g. {@code http://127.0.0.1:5000} */
    public OciRegistryPush(URI registry) {
        this(registry, null, null);
    }

    /** With HTTP basic authentication when {@code username} is not null. */
    public OciRegistryPush(URI registry, String username, String password) {
        this.registry = registry;
        this.authorization = username == null ? null : "Basic " + java.util.Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(5));
        return authorization == null ? b : b.header("Authorization", authorization);
    }

    /**
     * @return the manifest digest, as the registry confirmed it
     * @throws IOException naming the step and the registry's answer when it refuses
     */
    public String push(Path layout, String repository, String tag) throws IOException, InterruptedException {
        String manifestDigest = OciImageLayout.manifestDigest(layout);
        Path manifestFile = OciImageLayout.blob(layout, manifestDigest);
        String manifest = Files.readString(manifestFile);
        for (String digest : OciImageLayout.referencedDigests(manifest)) {
            pushBlob(layout, repository, digest);
        }
        HttpResponse<String> put = http.send(request(url("/v2/" + repository + "/manifests/" + tag))
                .header("Content-Type", OciImageLayout.MANIFEST_MEDIA_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofFile(manifestFile)).build(), HttpResponse.BodyHandlers.ofString());
        expect(put, 201, "manifest " + repository + ":" + tag);
        String confirmed = put.headers().firstValue("Docker-Content-Digest").orElse(manifestDigest);
        if (!confirmed.equals(manifestDigest)) {
            throw new IOException("registry " + registry + " stored the manifest as " + confirmed + ", expected " + manifestDigest);
        }
        return manifestDigest;
    }

    private void pushBlob(Path layout, String repository, String digest) throws IOException, InterruptedException {
        URI blobUrl = url("/v2/" + repository + "/blobs/" + digest);
        HttpResponse<Void> head = http.send(request(blobUrl).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        if (head.statusCode() == 200) {
            return;
        }
        HttpResponse<String> start = http.send(request(url("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        expect(start, 202, "upload of " + digest);
        String location = start.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("registry " + registry + " started an upload without a Location"));
        URI upload = registry.resolve(location);
        String query = upload.getRawQuery();
        URI put = URI.create(upload.toString() + (query == null ? "?" : "&") + "digest=" + digest.replace(":", "%3A"));
        HttpResponse<String> done = http.send(request(put).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofFile(OciImageLayout.blob(layout, digest))).build(), HttpResponse.BodyHandlers.ofString());
        expect(done, 201, "blob " + digest);
    }

    /** Fetches a manifest back (for checks): the body as the registry serves it. */
    public String manifest(String repository, String reference) throws IOException, InterruptedException {
        HttpResponse<String> get = http.send(request(url("/v2/" + repository + "/manifests/" + reference))
                .header("Accept", OciImageLayout.MANIFEST_MEDIA_TYPE).GET().build(), HttpResponse.BodyHandlers.ofString());
        expect(get, 200, "manifest " + repository + ":" + reference);
        return get.body();
    }

    /** Fetches a blob's bytes (for checks). */
    public byte[] blob(String repository, String digest) throws IOException, InterruptedException {
        HttpResponse<InputStream> get = http.send(request(url("/v2/" + repository + "/blobs/" + digest)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = get.body()) {
            byte[] body = in.readAllBytes();
            if (get.statusCode() != 200) {
                throw new IOException("registry " + registry + " answered " + get.statusCode() + " for blob " + digest);
            }
            return body;
        }
    }

    private URI url(String path) {
        return registry.resolve(path);
    }

    private void expect(HttpResponse<?> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            Object body = response.body();
            throw new IOException("registry " + registry + " refused " + what + ": HTTP " + response.statusCode()
                    + (body instanceof String s && !s.isBlank() ? " " + s.strip() : ""));
        }
    }
}
