package io.hybridge.workloads.internal.request;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.RequestHandler;
import io.hybridge.api.cloud.Verb;
import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * The {@code WORKLOADS-V1} management app on the request/response channel:
 * <pre>
 * GET  workloads                     every workload's status
 * GET  workloads/&lt;name&gt;              status and spec
 * PUT  workloads/&lt;name&gt;              create or replace (body: the JSON spec; its name must match or be absent)
 * DEL  workloads/&lt;name&gt;              stop and remove
 * EXEC workloads/&lt;name&gt;/_restart     restart every replica, also out of crash-loop
 * GET  workloads/&lt;name&gt;/logs         last output lines (body, optional: {"lines": n}, default 200, at most 5000)
 * </pre>
 * A refused spec is answered 400 with every problem, by field, in the body and the exception message.
 */
@Component(service = RequestHandler.class, property = RequestHandler.APP_ID + "=" + WorkloadsHandler.APP_ID)
public final class WorkloadsHandler implements RequestHandler {
    public static final String APP_ID = "WORKLOADS-V1";
    static final int DEFAULT_LOG_LINES = 200;
    static final int MAX_LOG_LINES = 5000;

    private final WorkloadService workloads;

    @Activate
    public WorkloadsHandler(@Reference WorkloadService workloads) {
        this.workloads = workloads;
    }

    @Override
    public CloudResponse handle(CloudRequest request) {
        List<String> path = request.resources();
        if (path.isEmpty() || !path.get(0).equals("workloads") || path.size() > 3) {
            return unknown(request);
        }
        if (path.size() == 1) {
            return request.verb() == Verb.GET ? json(Map.of("workloads",
                    workloads.list().stream().map(WorkloadStatus::toJsonMap).toList())) : unknown(request);
        }
        String name = path.get(1);
        if (path.size() == 3) {
            String action = path.get(2);
            if (request.verb() == Verb.EXEC && action.equals("_restart")) {
                return workloads.restart(name) ? CloudResponse.ok() : noSuch(name);
            }
            if (request.verb() == Verb.GET && action.equals("logs")) {
                return logs(name, request);
            }
            return unknown(request);
        }
        return switch (request.verb()) {
            case GET -> get(name);
            case PUT -> put(name, request);
            case DEL -> workloads.remove(name) ? CloudResponse.ok() : noSuch(name);
            default -> unknown(request);
        };
    }

    private CloudResponse get(String name) {
        Optional<WorkloadStatus> status = workloads.status(name);
        if (status.isEmpty()) {
            return noSuch(name);
        }
        Map<String, Object> body = new LinkedHashMap<>(status.get().toJsonMap());
        Optional<WorkloadSpec> spec = workloads.spec(name);
        if (spec.isPresent()) {
            try {
                body.put("spec", JSON.std.anyFrom(workloads.toJson(spec.get())));
            } catch (IOException e) {
                return CloudResponse.internalError("spec of " + name + " could not be rendered: " + e.getMessage());
            }
        }
        return json(body);
    }

    private CloudResponse put(String name, CloudRequest request) {
        String body = request.bodyText();
        if (body.isBlank()) {
            return CloudResponse.badRequest("PUT workloads/" + name + " needs the workload's JSON spec as its body");
        }
        try {
            WorkloadSpec spec = workloads.parse(body, name);
            boolean changed = workloads.apply(spec, "cloud");
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("changed", changed);
            workloads.status(name).ifPresent(status -> answer.put("status", status.toJsonMap()));
            return json(answer);
        } catch (InvalidSpecException e) {
            Map<String, Object> problems = new LinkedHashMap<>();
            problems.put("problems", e.problems().stream().map(WorkloadsHandler::problem).toList());
            return refused(e.getMessage(), problems);
        }
    }

    private CloudResponse logs(String name, CloudRequest request) {
        if (workloads.status(name).isEmpty()) {
            return noSuch(name);
        }
        int lines = DEFAULT_LOG_LINES;
        String body = request.bodyText();
        if (!body.isBlank()) {
            try {
                Object asked = JSON.std.mapFrom(body).get("lines");
                if (!(asked instanceof Number number) || number.intValue() < 1 || number.intValue() > MAX_LOG_LINES) {
                    return CloudResponse.badRequest("lines: " + asked + " is not a count; use a whole number 1-" + MAX_LOG_LINES);
                }
                lines = number.intValue();
            } catch (IOException e) {
                return CloudResponse.badRequest("the body of GET workloads/" + name + "/logs is not JSON: " + e.getMessage()
                        + "; send {\"lines\": 200} or nothing");
            }
        }
        return json(Map.of("name", name, "lines", workloads.logs(name, lines)));
    }

    /** A 400 whose body lists the problems by field, so a client can show them next to its form. */
    private static CloudResponse refused(String message, Map<String, Object> problems) {
        try {
            return new CloudResponse(CloudResponse.BAD_REQUEST, message, KuraPayload.builder()
                    .body(JSON.std.asString(problems).getBytes(StandardCharsets.UTF_8)).build());
        } catch (IOException e) {
            return CloudResponse.badRequest(message);
        }
    }

    private static Map<String, Object> problem(SpecProblem problem) {
        return Map.of("field", problem.field(), "message", problem.message());
    }

    private static CloudResponse noSuch(String name) {
        return CloudResponse.notFound("no workload named '" + name + "'; GET workloads lists them");
    }

    private static CloudResponse unknown(CloudRequest request) {
        return CloudResponse.notFound(request.verb() + " " + request.resourcePath() + " is not a WORKLOADS-V1 resource;"
                + " use GET workloads, GET|PUT|DEL workloads/<name>, EXEC workloads/<name>/_restart or GET workloads/<name>/logs");
    }

    private static CloudResponse json(Map<String, Object> body) {
        try {
            return CloudResponse.okJson(JSON.std.asString(body));
        } catch (IOException e) {
            return CloudResponse.internalError("status could not be rendered: " + e.getMessage());
        }
    }
}
