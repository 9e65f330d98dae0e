package io.hybridge.console.internal.workloads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadStatus;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Workloads over local HTTP for scripts, JSON in and out, the actions of {@code WORKLOADS-V1}:
 * <pre>
 * GET    /api/workloads                         {"workloads": [status…]}
 * GET    /api/workloads/&lt;name&gt;                  status and "spec"
 * GET    /api/workloads/&lt;name&gt;/logs?lines=n     {"name", "lines": […]} (default 200, 1–5000)
 * PUT    /api/workloads/&lt;name&gt;                  create (201) or replace (200); body: the JSON spec, its name
 *                                               equal to the path's or absent; {"changed", "status"}
 * DELETE /api/workloads/&lt;name&gt;                  stop and remove; {"name", "removed": true}
 * POST   /api/workloads/&lt;name&gt;/_restart         restart every replica; {"name", "restarted": true}
 * </pre>
 * A refused spec is 400 {@code {"error", "problems": [{"field", "message"}…]}} and changes
 * nothing; other errors are {@code {"error"}} (404 no such workload or resource, 405, 413,
 * 503 while no workload supervisor is installed). The status has the field names of the
 * {@code WORKLOADS-V1} answers ({@link WorkloadJson}).
 *
 * <p>It lives in the console's {@code io.hybridge.api} servlet context, behind the admin's HTTP
 * Basic login like {@code /api/config/v2}. Requests that change something and that a browser
 * marks as coming from another site are refused ({@link CrossSiteGuard}): a browser logged into
 * the console sends the same credentials here.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/workloads/*")
@HttpWhiteboardContextSelect("(osgi.http.whiteboard.context.name=io.hybridge.api)")
public class WorkloadsApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final int DEFAULT_LOG_LINES = 200;
    static final int MAX_LOG_LINES = 5000;
    static final int MAX_BODY_BYTES = 1 << 20;
    static final String SOURCE = "api";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkloadService workloads;

    public WorkloadsApiServlet() {
    }

    WorkloadsApiServlet(WorkloadService workloads) {
        this.workloads = workloads;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = request.getMethod();
        List<String> path = segments(request.getPathInfo());
        WorkloadService service = workloads;
        if (service == null) {
            error(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the workload supervisor is not installed: "
                    + "no WorkloadService is registered (the hybridge-workloads bundle is missing or not active)");
            return;
        }
        // cross-site changes are refused for every /api servlet by ApiServletContext
        try {
            route(request, response, service, method, path);
        } catch (RuntimeException e) {
            error(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, method + " " + request.getRequestURI()
                    + " failed: " + e);
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response, WorkloadService service,
                       String method, List<String> path) throws IOException {
        if (path.isEmpty()) {
            if (isGet(method)) {
                list(response, service);
            } else {
                notAllowed(response, method, "GET");
            }
            return;
        }
        String name = path.get(0);
        if (path.size() == 1) {
            switch (method) {
                case "GET", "HEAD" -> get(response, service, name);
                case "PUT" -> put(request, response, service, name);
                case "DELETE" -> {
                    if (service.remove(name)) {
                        json(response, HttpServletResponse.SC_OK, answer(name, "removed"));
                    } else {
                        noSuch(response, name);
                    }
                }
                default -> notAllowed(response, method, "GET, PUT, DELETE");
            }
            return;
        }
        if (path.size() == 2 && path.get(1).equals("logs")) {
            if (isGet(method)) {
                logs(request, response, service, name);
            } else {
                notAllowed(response, method, "GET");
            }
            return;
        }
        if (path.size() == 2 && path.get(1).equals("_restart")) {
            if (!method.equals("POST")) {
                notAllowed(response, method, "POST");
            } else if (service.restart(name)) {
                json(response, HttpServletResponse.SC_OK, answer(name, "restarted"));
            } else {
                noSuch(response, name);
            }
            return;
        }
        error(response, HttpServletResponse.SC_NOT_FOUND, request.getRequestURI() + " is not a workloads resource; use "
                + "GET /api/workloads, GET|PUT|DELETE /api/workloads/<name>, GET /api/workloads/<name>/logs?lines=n "
                + "or POST /api/workloads/<name>/_restart");
    }

    private static void list(HttpServletResponse response, WorkloadService service) throws IOException {
        List<WorkloadStatus> statuses = new ArrayList<>(service.list());
        statuses.sort(Comparator.comparing(WorkloadStatus::name));
        List<Map<String, Object>> entries = new ArrayList<>();
        for (WorkloadStatus status : statuses) {
            entries.add(status.toJsonMap());
        }
        json(response, HttpServletResponse.SC_OK, Map.of("workloads", entries));
    }

    private static void get(HttpServletResponse response, WorkloadService service, String name) throws IOException {
        Optional<WorkloadStatus> status = service.status(name);
        if (status.isEmpty()) {
            noSuch(response, name);
            return;
        }
        Map<String, Object> body = status.get().toJsonMap();
        Optional<WorkloadSpec> spec = service.spec(name);
        if (spec.isPresent()) {
            body.put("spec", WorkloadJson.parse(service.toJson(spec.get())));
        }
        json(response, HttpServletResponse.SC_OK, body);
    }

    private static void put(HttpServletRequest request, HttpServletResponse response, WorkloadService service,
                            String name) throws IOException {
        byte[] body = request.getInputStream().readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            error(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "the spec is larger than "
                    + MAX_BODY_BYTES + " bytes");
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            error(response, HttpServletResponse.SC_BAD_REQUEST, "PUT /api/workloads/" + name
                    + " needs the workload's JSON spec as its body");
            return;
        }
        try {
            boolean existed = service.status(name).isPresent();
            WorkloadSpec spec = service.parse(text, name);
            boolean changed = service.apply(spec, SOURCE);
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("changed", changed);
            service.status(name).ifPresent(status -> answer.put("status", status.toJsonMap()));
            json(response, existed ? HttpServletResponse.SC_OK : HttpServletResponse.SC_CREATED, answer);
        } catch (InvalidSpecException e) {
            json(response, HttpServletResponse.SC_BAD_REQUEST, WorkloadJson.refused(e));
        }
    }

    private static void logs(HttpServletRequest request, HttpServletResponse response, WorkloadService service,
                             String name) throws IOException {
        int lines = DEFAULT_LOG_LINES;
        String asked = request.getParameter("lines");
        if (asked != null) {
            try {
                lines = Integer.parseInt(asked.trim());
            } catch (NumberFormatException e) {
                lines = -1;
            }
            if (lines < 1 || lines > MAX_LOG_LINES) {
                error(response, HttpServletResponse.SC_BAD_REQUEST, "lines: '" + asked
                        + "' is not a count; use a whole number 1-" + MAX_LOG_LINES);
                return;
            }
        }
        if (service.status(name).isEmpty()) {
            noSuch(response, name);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("lines", service.logs(name, lines));
        json(response, HttpServletResponse.SC_OK, body);
    }

    /** The path below {@code /api/workloads} as its levels. */
    static List<String> segments(String pathInfo) {
        List<String> segments = new ArrayList<>();
        if (pathInfo != null) {
            for (String level : pathInfo.split("/")) {
                if (!level.isEmpty()) {
                    segments.add(level);
                }
            }
        }
        return segments;
    }

    private static boolean isGet(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private static Map<String, Object> answer(String name, String what) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put(what, true);
        return body;
    }

    private static void noSuch(HttpServletResponse response, String name) throws IOException {
        error(response, HttpServletResponse.SC_NOT_FOUND, "no workload named '" + name + "'; GET /api/workloads lists them");
    }

    private static void notAllowed(HttpServletResponse response, String method, String allowed) throws IOException {
        response.setHeader("Allow", allowed);
        error(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "HTTP " + method
                + " is not supported here; use " + allowed);
    }

    private static void error(HttpServletResponse response, int status, String message) throws IOException {
        json(response, status, Map.of("error", message));
    }

    private static void json(HttpServletResponse response, int status, Object body) throws IOException {
        WorkloadsPage.writeJson(response, status, body);
    }
}
