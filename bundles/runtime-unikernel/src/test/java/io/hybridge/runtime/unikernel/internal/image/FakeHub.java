package io.hybridge.runtime.unikernel.internal.image;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny registry on loopback for what a real one refuses to serve: blobs under the wrong
 * digest, manifests that are not JSON, the Bearer token flow, redirects to another host.
 */
final class FakeHub implements AutoCloseable {

    record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
        static Response ok(String contentType, byte[] body) {
            return new Response(200, contentType, body, Map.of());
        }
    }

    /** What one request carried, for assertions. */
    record Seen(String path, String query, String authorization) {
    }

    private final HttpServer server;
    private final Map<String, Response> routes = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();
    /** When set, /v2/ paths need "Bearer <token>", which /token hands out for basic user:password. */
    volatile String bearerUser;
    volatile String bearerPassword;
    static final String TOKEN = "fake-token-123";

    FakeHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void route(String path, Response response) {
        routes.put(path, response);
    }

    /** Serves an image's manifest under {@code tag} and its blobs. */
    void serve(String repository, String tag, TestImage.Built image) {
        route("/v2/" + repository + "/manifests/" + tag, Response.ok(OciDocuments.OCI_MANIFEST, image.manifest()));
        route("/v2/" + repository + "/manifests/" + image.manifestDigest(), Response.ok(OciDocuments.OCI_MANIFEST, image.manifest()));
        route("/v2/" + repository + "/blobs/" + image.layerDigest(), Response.ok("application/octet-stream", image.layer()));
        route("/v2/" + repository + "/blobs/" + image.configDigest(), Response.ok("application/octet-stream", image.config()));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            seen.add(new Seen(path, exchange.getRequestURI().getRawQuery(), authorization));
            if (bearerUser != null) {
                if (path.equals("/token")) {
                    String expected = "Basic " + Base64.getEncoder().encodeToString((bearerUser + ":" + bearerPassword).getBytes(StandardCharsets.UTF_8));
                    if (expected.equals(authorization)) {
                        send(exchange, Response.ok("application/json", ("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8)));
                    } else {
                        send(exchange, new Response(401, "application/json", "{}".getBytes(StandardCharsets.UTF_8), Map.of()));
                    }
                    return;
                }
                if (path.startsWith("/v2/") && !("Bearer " + TOKEN).equals(authorization)) {
                    send(exchange, new Response(401, "application/json", "{\"errors\":[]}".getBytes(StandardCharsets.UTF_8), Map.of(
                            "WWW-Authenticate", "Bearer realm=\"http://" + host() + "/token\",service=\"fake-hub\",scope=\"repository:x:pull\"")));
                    return;
                }
            }
            Response response = routes.get(path);
            send(exchange, response != null ? response : new Response(404, "application/json", "{}".getBytes(StandardCharsets.UTF_8), Map.of()));
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", response.contentType());
        response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.sendResponseHeaders(response.status(), response.body().length == 0 ? -1 : response.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(response.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
