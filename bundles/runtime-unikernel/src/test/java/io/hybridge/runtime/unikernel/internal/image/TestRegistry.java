package io.hybridge.runtime.unikernel.internal.image;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Assumptions;

/**
 * The provisioned test registry (itests/provision/provision.sh: CNCF Distribution on
 * 127.0.0.1:15000 with basic authentication) and a minimal push over the distribution API, so
 * the tests build their own images instead of depending on ml-workloads.
 */
final class TestRegistry {

    static final String HOST = "127.0.0.1:15000";
    static final String USER = "hybridge";
    static final String PASSWORD = "hybridge-test-registry";
    static final RegistryAccount ACCOUNT = new RegistryAccount(HOST, USER, PASSWORD, false);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestRegistry() {
    }

    /** Skips the test when the registry does not answer — or fails it under {@code CI=true}, where it must be there. */
    static void assumeAvailable() {
        String problem;
        try {
            int status = HTTP.send(request("/v2/").GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                return;
            }
            problem = "answered " + status + " to an authenticated GET /v2/";
        } catch (IOException e) {
            problem = "does not answer (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        String message = "the test registry " + HOST + " " + problem + "; run itests/provision/provision.sh";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message); // developer machine without it only: under CI=true the line above fails instead
    }

    /** A repository of its own for each test, so runs never see each other's tags. */
    static String repository(String name) {
        return "hybridge-test/unikernel-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Pushes the blobs and the manifest under {@code tag}. */
    static void push(String repository, String tag, TestImage.Built image) throws Exception {
        pushBlob(repository, image.layer());
        pushBlob(repository, image.config());
        pushManifest(repository, tag, image.manifest(), OciDocuments.OCI_MANIFEST);
    }

    static void pushBlob(String repository, byte[] content) throws Exception {
        HttpResponse<Void> start = HTTP.send(request("/v2/" + repository + "/blobs/uploads/")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        check(start, 202, "upload start");
        String location = start.headers().firstValue("Location").orElseThrow();
        URI upload = URI.create("http://" + HOST).resolve(location);
        String sep = upload.getQuery() == null ? "?" : "&";
        HttpResponse<Void> put = HTTP.send(HttpRequest.newBuilder(URI.create(upload + sep + "digest=" + Digest.of(content)))
                .header("Authorization", basic()).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.discarding());
        check(put, 201, "blob upload");
    }

    static void pushManifest(String repository, String tag, byte[] manifest, String mediaType) throws Exception {
        HttpResponse<String> put = HTTP.send(request("/v2/" + repository + "/manifests/" + tag).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(manifest)).build(), HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 201) {
            throw new IllegalStateException("manifest push to " + repository + ":" + tag + " answered " + put.statusCode() + " " + put.body());
        }
    }

    /** A loopback port nothing listens on (bound, then closed). */
    static int deadPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }

    static Map<String, Object> manifestOf(TestImage.Built image) throws IOException {
        return com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(image.manifest());
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://" + HOST + path)).timeout(Duration.ofSeconds(30)).header("Authorization", basic());
    }

    private static void check(HttpResponse<?> response, int expected, String what) {
        if (response.statusCode() != expected) {
            throw new IllegalStateException(what + " answered " + response.statusCode() + ", expected " + expected);
        }
    }
}
