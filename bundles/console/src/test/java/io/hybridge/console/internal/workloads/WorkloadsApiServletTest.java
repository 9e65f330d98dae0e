package io.hybridge.console.internal.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

class WorkloadsApiServletTest {

    private final FakeWorkloadService service = new FakeWorkloadService();
    private final WorkloadsApiServlet servlet = new WorkloadsApiServlet(service);

    @Test
    void listHasTheFieldsOfTheWorkloadsV1Status() throws Exception {
        service.with(new WorkloadStatus("vision", RuntimeType.CONTAINER, "cloud", "abc", WorkloadState.RUNNING, "ok",
                Instant.parse("2025-03-01T10:00:00Z"), 1,
                new WorkloadStatus.Exit(1, false, Instant.parse("2025-03-01T09:59:00Z"), "exit 1"), 1,
                List.of(new WorkloadStatus.Replica(0, "c0ffee", WorkloadState.RUNNING, true, 1,
                        Instant.parse("2025-03-01T10:00:00Z"), new ResourceUsage(1.26, 100, 200, 3)))));

        FakeHttp.Response response = call(new FakeHttp.Request("GET", null));

        assertThat(response.status).isEqualTo(200);
        Map<String, Object> json = JSON.std.mapFrom(response.body());
        Map<String, Object> vision = first(json.get("workloads"));
        assertThat(vision.keySet()).containsExactly("name", "runtime", "state", "message", "since", "source",
                "specHash", "restarts", "replicas", "lastExit", "instances");
        assertThat(vision).containsEntry("name", "vision").containsEntry("runtime", "container")
                .containsEntry("state", "running").containsEntry("message", "ok")
                .containsEntry("since", "2025-03-01T10:00:00Z").containsEntry("source", "cloud")
                .containsEntry("specHash", "abc").containsEntry("restarts", 1).containsEntry("replicas", 1)
                .containsEntry("lastExit", Map.of("code", 1, "oomKilled", false, "at", "2025-03-01T09:59:00Z",
                        "reason", "exit 1"))
                .containsEntry("instances", List.of(Map.of("index", 0, "instanceId", "c0ffee", "state", "running",
                        "healthy", true, "restarts", 1, "startedAt", "2025-03-01T10:00:00Z",
                        "usage", Map.of("cpuPercent", 1.3, "memoryBytes", 100, "memoryLimitBytes", 200, "pids", 3))));
    }

    @Test
    void getOneHasItsStatusAndSpec() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.FAILED, "image missing"));

        FakeHttp.Response response = call(new FakeHttp.Request("GET", "/vision"));

        assertThat(response.status).isEqualTo(200);
        Map<String, Object> json = JSON.std.mapFrom(response.body());
        assertThat(json).containsEntry("state", "failed").containsEntry("message", "image missing");
        assertThat(json.get("spec")).isEqualTo(Map.of("name", "vision",
                "image", Map.of("reference", "example/vision:1", "pullPolicy", "never"), "resources", Map.of("memoryMiB", 64)));
    }

    @Test
    void anUnknownWorkloadIs404ForEveryAction() throws Exception {
        for (FakeHttp.Request request : List.of(new FakeHttp.Request("GET", "/ghost"),
                new FakeHttp.Request("GET", "/ghost/logs"), new FakeHttp.Request("DELETE", "/ghost"),
                new FakeHttp.Request("POST", "/ghost/_restart"))) {
            FakeHttp.Response response = call(request);
            assertThat(response.status).as(request.toString()).isEqualTo(404);
            assertThat(JSON.std.mapFrom(response.body()).get("error")).asString().contains("no workload named 'ghost'");
        }
    }

    @Test
    void logsTakeALineCount() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.RUNNING, ""));
        service.logs.put("vision", List.of("one", "two", "three"));

        FakeHttp.Response two = call(new FakeHttp.Request("GET", "/vision/logs").param("lines", "2"));
        FakeHttp.Response byDefault = call(new FakeHttp.Request("GET", "/vision/logs"));

        assertThat(JSON.std.mapFrom(two.body())).isEqualTo(Map.of("name", "vision", "lines", List.of("two", "three")));
        assertThat(service.logLinesAsked).containsExactly(2, 200);
        assertThat(byDefault.status).isEqualTo(200);
        for (String bad : List.of("0", "5001", "many")) {
            FakeHttp.Response refused = call(new FakeHttp.Request("GET", "/vision/logs").param("lines", bad));
            assertThat(refused.status).as(bad).isEqualTo(400);
            assertThat(refused.body()).contains("lines", "1-5000");
        }
    }

    @Test
    void putCreatesThenReplacesWithSourceApi() throws Exception {
        FakeHttp.Response created = call(new FakeHttp.Request("PUT", "/vision")
                .body("{\"image\":{\"reference\":\"example/vision:1\"}}"));
        FakeHttp.Response replaced = call(new FakeHttp.Request("PUT", "/vision")
                .body("{\"name\":\"vision\",\"image\":{\"reference\":\"example/vision:2\"}}"));

        assertThat(created.status).isEqualTo(201);
        assertThat(replaced.status).isEqualTo(200);
        assertThat(service.applied).containsExactly("vision from api", "vision from api");
        Map<String, Object> json = JSON.std.mapFrom(replaced.body());
        assertThat(json).containsEntry("changed", true);
        assertThat(json.get("status")).asString().contains("name=vision", "source=api");
    }

    @Test
    void aRefusedSpecIs400WithEveryProblemByFieldAndChangesNothing() throws Exception {
        FakeHttp.Response response = call(new FakeHttp.Request("PUT", "/vision")
                .body("{\"resources\":{\"memoryMiB\":-5}}"));

        assertThat(response.status).isEqualTo(400);
        Map<String, Object> json = JSON.std.mapFrom(response.body());
        assertThat(json.get("problems")).isEqualTo(List.of(
                Map.of("field", "image.reference", "message", "missing; name the image to run"),
                Map.of("field", "resources.memoryMiB", "message", "-5 is negative; use 0 (no limit) or a size in MiB")));
        assertThat(json.get("error")).asString().contains("resources.memoryMiB");
        assertThat(service.applied).isEmpty();
    }

    @Test
    void aSpecNamingAnotherWorkloadThanThePathIsRefused() throws Exception {
        FakeHttp.Response response = call(new FakeHttp.Request("PUT", "/vision")
                .body("{\"name\":\"other\",\"image\":{\"reference\":\"example/vision:1\"}}"));

        assertThat(response.status).isEqualTo(400);
        assertThat(response.body()).contains("\"field\":\"name\"", "differs from the name in the request path");
        assertThat(service.applied).isEmpty();
    }

    @Test
    void anEmptyBodyIs400() throws Exception {
        assertThat(call(new FakeHttp.Request("PUT", "/vision").body(" ")).status).isEqualTo(400);
    }

    @Test
    void deleteRemovesAndRestartRestarts() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.CRASH_LOOP, ""));
        service.with(FakeWorkloadService.status("other", WorkloadState.RUNNING, ""));

        FakeHttp.Response restarted = call(new FakeHttp.Request("POST", "/vision/_restart"));
        FakeHttp.Response removed = call(new FakeHttp.Request("DELETE", "/other"));

        assertThat(restarted.status).isEqualTo(200);
        assertThat(JSON.std.mapFrom(restarted.body())).isEqualTo(Map.of("name", "vision", "restarted", true));
        assertThat(removed.status).isEqualTo(200);
        assertThat(JSON.std.mapFrom(removed.body())).isEqualTo(Map.of("name", "other", "removed", true));
        assertThat(service.restarted).containsExactly("vision");
        assertThat(service.removed).containsExactly("other");
    }

    @Test
    void wrongMethodsAre405WithAllowAndUnknownResources404() throws Exception {
        FakeHttp.Response postList = call(new FakeHttp.Request("POST", null));
        FakeHttp.Response getRestart = call(new FakeHttp.Request("GET", "/vision/_restart"));
        FakeHttp.Response patch = call(new FakeHttp.Request("PATCH", "/vision"));
        FakeHttp.Response unknown = call(new FakeHttp.Request("GET", "/vision/other"));
        FakeHttp.Response deep = call(new FakeHttp.Request("GET", "/vision/logs/more"));

        assertThat(postList.status).isEqualTo(405);
        assertThat(postList.headers).containsEntry("Allow", "GET");
        assertThat(getRestart.status).isEqualTo(405);
        assertThat(getRestart.headers).containsEntry("Allow", "POST");
        assertThat(patch.status).isEqualTo(405);
        assertThat(patch.headers).containsEntry("Allow", "GET, PUT, DELETE");
        assertThat(unknown.status).isEqualTo(404);
        assertThat(unknown.body()).contains("is not a workloads resource");
        assertThat(deep.status).isEqualTo(404);
    }

    @Test
    void withoutTheSupervisorEveryRequestIs503() throws Exception {
        WorkloadsApiServlet headless = new WorkloadsApiServlet(null);
        FakeHttp.Response response = new FakeHttp.Response();

        headless.service(new FakeHttp.Request("GET", null).build(), response.build());

        assertThat(response.status).isEqualTo(503);
        assertThat(response.body()).contains("not installed");
    }

    private FakeHttp.Response call(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        servlet.service(request.build(), response.build());
        return response;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> first(Object list) {
        return ((List<Map<String, Object>>) list).get(0);
    }
}
