package io.hybridge.itests.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Felix Web Console's HTTP interface, as a browser form or a script uses it:
 * {@code /system/console/bundles} to install, update, start, stop and uninstall.
 */
public final class ConsoleClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final GatewayProcess gateway;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    ConsoleClient(GatewayProcess gateway, String user, String password) {
        this.gateway = gateway;
        this.authorization = password == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path) {
        return send(request(path).GET().build());
    }

    /** Posts a URL-encoded form. */
    public HttpResponse<String> post(String path, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** Uploads a bundle like the console's "Install/Update" dialog does. */
    public HttpResponse<String> install(Path jar, boolean start) throws IOException {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("action", "install");
        if (start) {
            fields.put("bundlestart", "start");
        }
        fields.put("bundlestartlevel", "3");
        String boundary = "----hybridge" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
                    + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundlefile\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request("/system/console/bundles")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }

    /** All bundles as the console reports them ({@code bundles.json}). */
    public JsonNode bundles() {
        HttpResponse<String> response = get("/system/console/bundles.json");
        if (response.statusCode() != 200) {
            throw new AssertionError("bundles.json answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return JSON.readTree(response.body()).path("data");
        } catch (IOException e) {
            throw new AssertionError("bundles.json is not JSON: " + response.body(), e);
        }
    }

    public Optional<JsonNode> bundle(String symbolicName) {
        for (JsonNode bundle : bundles()) {
            if (symbolicName.equals(bundle.path("symbolicName").asText())) {
                return Optional.of(bundle);
            }
        }
        return Optional.empty();
    }

    /** start, stop, refresh, update or uninstall a bundle by id. */
    public HttpResponse<String> bundleAction(long id, String action) {
        return post("/system/console/bundles/" + id, Map.of("action", action));
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(gateway.url(path)).timeout(Duration.ofSeconds(30));
        return authorization == null ? builder : builder.header("Authorization", authorization);
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
