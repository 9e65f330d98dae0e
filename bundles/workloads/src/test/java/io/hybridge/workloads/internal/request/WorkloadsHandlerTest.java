package io.hybridge.workloads.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.Verb;
import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;
import io.hybridge.workloads.internal.spec.WorkloadJson;

class WorkloadsHandlerTest {

    /** The service as the handler sees it: specs in a map, parsing by the real JSON form. */
    static final class MapWorkloads implements WorkloadService {
        final Map<String, WorkloadSpec> specs = new TreeMap<>();
        final List<String> restarted = new ArrayList<>();

        @Override
        public WorkloadSpec parse(String json) throws InvalidSpecException {
            return WorkloadJson.parse(json);
        }

        @Override
        public WorkloadSpec parse(String json, String name) throws InvalidSpecException {
            return WorkloadJson.parseFor(json, name);
        }

        @Override
        public String toJson(WorkloadSpec spec) {
            return WorkloadJson.toJson(spec);
        }

        @Override
        public boolean apply(WorkloadSpec spec, String source) {
            return !spec.equals(specs.put(spec.name(), spec));
        }

        @Override
        public boolean remove(String name) {
            return specs.remove(name) != null;
        }

        @Override
        public boolean restart(String name) {
            restarted.add(name);
            return specs.containsKey(name);
        }

        @Override
        public List<WorkloadStatus> list() {
            return specs.keySet().stream().map(n -> status(n).orElseThrow()).toList();
        }

        @Override
        public Optional<WorkloadStatus> status(String name) {
            WorkloadSpec spec = specs.get(name);
            return spec == null ? Optional.empty() : Optional.of(new WorkloadStatus(name, spec.runtime(), "cloud", "abc",
                    WorkloadState.RUNNING, "running", Instant.EPOCH, 0, null, spec.replicas(), List.of()));
        }

        @Override
        public Optional<WorkloadSpec> spec(String name) {
            return Optional.ofNullable(specs.get(name));
        }

        @Override
        public List<String> logs(String name, int maxLines) {
            return List.of("last of " + maxLines);
        }
    }

    private final MapWorkloads workloads = new MapWorkloads();
    private final WorkloadsHandler handler = new WorkloadsHandler(workloads);

    private CloudResponse request(Verb verb, String path, String body) {
        KuraPayload.Builder payload = KuraPayload.builder();
        if (body != null) {
            payload.body(body.getBytes(StandardCharsets.UTF_8));
        }
        return handler.handle(new CloudRequest("WORKLOADS-V1", verb, List.of(path.split("/")), "r1", "console-1", payload.build()));
    }

    private static Map<String, Object> body(CloudResponse response) throws Exception {
        return JSON.std.mapFrom(new String(response.payload().body(), StandardCharsets.UTF_8));
    }

    @Test
    void putGetListRestartLogsAndDelete() throws Exception {
        CloudResponse put = request(Verb.PUT, "workloads/app", "{\"image\": \"127.0.0.1:15000/app:1\"}");
        assertThat(put.code()).isEqualTo(200);
        assertThat(body(put)).containsEntry("changed", true);
        assertThat(workloads.specs.get("app").image().reference()).isEqualTo("127.0.0.1:15000/app:1");

        assertThat(body(request(Verb.PUT, "workloads/app", "{\"image\": \"127.0.0.1:15000/app:1\"}"))).containsEntry("changed", false);

        Map<String, Object> one = body(request(Verb.GET, "workloads/app", null));
        assertThat(one).containsEntry("state", "running").containsKey("spec");
        assertThat((List<?>) body(request(Verb.GET, "workloads", null)).get("workloads")).hasSize(1);
        assertThat(request(Verb.EXEC, "workloads/app/_restart", null).code()).isEqualTo(200);
        assertThat(workloads.restarted).containsExactly("app");
        assertThat(body(request(Verb.GET, "workloads/app/logs", "{\"lines\": 7}"))).containsEntry("lines", List.of("last of 7"));
        assertThat(request(Verb.DEL, "workloads/app", null).code()).isEqualTo(200);
        assertThat(request(Verb.DEL, "workloads/app", null).code()).isEqualTo(404);
    }

    @Test
    void aRefusedSpecIs400WithEveryProblemByFieldAndChangesNothing() throws Exception {
        CloudResponse refused = request(Verb.PUT, "workloads/app",
                "{\"image\": \"127.0.0.1:15000/app:1\", \"resources\": {\"memoryMiB\": -5}, \"replicas\": \"two\"}");
        assertThat(refused.code()).isEqualTo(400);
        assertThat(refused.exceptionMessage()).contains("resources.memoryMiB").contains("replicas");
        assertThat((List<?>) body(refused).get("problems")).hasSize(2);
        assertThat(workloads.specs).isEmpty();
    }

    @Test
    void aNameThatDiffersFromThePathIsRefused() {
        CloudResponse refused = request(Verb.PUT, "workloads/app", "{\"name\": \"other\", \"image\": \"127.0.0.1:15000/app:1\"}");
        assertThat(refused.code()).isEqualTo(400);
        assertThat(refused.exceptionMessage()).contains("'other' differs from the name in the request path, 'app'");
    }

    @Test
    void unknownWorkloadsResourcesAndBadLogRequestsAreNamed() {
        assertThat(request(Verb.GET, "workloads/none", null).code()).isEqualTo(404);
        assertThat(request(Verb.EXEC, "workloads/none/_restart", null).exceptionMessage()).contains("no workload named 'none'");
        assertThat(request(Verb.POST, "workloads", null).exceptionMessage()).contains("is not a WORKLOADS-V1 resource");
        assertThat(request(Verb.PUT, "workloads/app", "").exceptionMessage()).contains("needs the workload's JSON spec");
    }
}
