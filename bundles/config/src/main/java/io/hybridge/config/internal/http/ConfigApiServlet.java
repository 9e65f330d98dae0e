package io.hybridge.config.internal.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.Verb;
import io.hybridge.config.internal.Json;
import io.hybridge.config.internal.confv2.ConfV2Handler;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The CONF-V2 resources over local HTTP: {@code /api/config/v2/<resource>}, JSON in and out.
 * HTTP GET, PUT and DELETE are CONF-V2's GET, PUT and DEL; POST is EXEC where CONF-V2 has an
 * EXEC resource ({@code snapshots/_write}, {@code snapshots/_rollback},
 * {@code snapshots/byId/_rollback}) and POST otherwise. Each request becomes a
 * {@link CloudRequest} for the {@link ConfV2Handler}, so HTTP and the cloud share one code
 * path; the HTTP status is the handler's response code, an error body is
 * {@code {"error": "..."}}.
 *
 * <p>It lives in the servlet context {@code io.hybridge.api} (path {@code /api}), which the
 * console bundle provides and guards with the admin's HTTP Basic login; without that
 * context (a headless gateway) the whiteboard does not serve it at all.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/config/v2/*")
@HttpWhiteboardContextSelect("(osgi.http.whiteboard.context.name=io.hybridge.api)")
public class ConfigApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** Far more than any configuration request; a bigger body is a mistake or an attack. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private final transient ConfV2Handler handler;
    private final AtomicLong requests = new AtomicLong();

    @Activate
    public ConfigApiServlet(@Reference ConfV2Handler handler) {
        this.handler = handler;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<String> resources = resources(request.getPathInfo());
        String path = String.join("/", resources);
        Verb verb = switch (request.getMethod()) {
            case "GET" -> Verb.GET;
            case "PUT" -> Verb.PUT;
            case "DELETE" -> Verb.DEL;
            case "POST" -> handler.hasResource(Verb.EXEC, path) ? Verb.EXEC : Verb.POST;
            default -> null;
        };
        if (verb == null) {
            response.setHeader("Allow", "GET, PUT, POST, DELETE");
            sendError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "HTTP " + request.getMethod()
                    + " is not part of the configuration API; use GET, PUT, POST or DELETE");
            return;
        }
        byte[] body = readBody(request.getInputStream());
        if (body == null) {
            sendError(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "the request body is larger than " + MAX_BODY_BYTES + " bytes");
            return;
        }
        CloudRequest cloudRequest = new CloudRequest(ConfV2Handler.APP_ID, verb, resources,
                "http-" + requests.incrementAndGet(), "http:" + request.getRemoteAddr(),
                KuraPayload.builder().body(body).build());
        write(response, handler.handle(cloudRequest));
    }

    /** The path below {@code /api/config/v2} as CONF-V2 resource levels. */
    static List<String> resources(String pathInfo) {
        List<String> resources = new ArrayList<>();
        if (pathInfo != null) {
            for (String level : pathInfo.split("/")) {
                if (!level.isEmpty()) {
                    resources.add(level);
                }
            }
        }
        return resources;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        return body.length > MAX_BODY_BYTES ? null : body;
    }

    private static void write(HttpServletResponse response, CloudResponse result) throws IOException {
        if (!result.isSuccess()) {
            String message = result.exceptionMessage() == null ? "request failed" : result.exceptionMessage();
            sendError(response, result.code(), message);
            return;
        }
        response.setStatus(result.code());
        response.setHeader("Cache-Control", "no-store");
        byte[] body = result.payload().body();
        if (body != null && body.length > 0) {
            response.setContentType("application/json");
            response.setCharacterEncoding("UTF-8");
            response.setContentLength(body.length);
            try (OutputStream out = response.getOutputStream()) {
                out.write(body);
            }
        } else {
            response.setContentLength(0);
        }
    }

    private static void sendError(HttpServletResponse response, int status, String message) throws IOException {
        byte[] body = Json.write(Map.of("error", message)).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(body.length);
        try (OutputStream out = response.getOutputStream()) {
            out.write(body);
        }
    }
}
