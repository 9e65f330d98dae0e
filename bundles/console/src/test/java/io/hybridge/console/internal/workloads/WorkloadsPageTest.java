package io.hybridge.console.internal.workloads;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.ResourceUsage;
import io.hybridge.api.workload.RuntimeType;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

class WorkloadsPageTest {

    private static final String TOKEN = "test-token";
    private static final String ROOT = "/system/console/workloads";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:05:00Z"), ZoneOffset.UTC);

    private final FakeWorkloadService service = new FakeWorkloadService();
    private final WorkloadsPage page = new WorkloadsPage(service, CLOCK, new CrossSiteGuard(TOKEN));

    @ParameterizedTest
    @EnumSource(WorkloadState.class)
    void eachStateIsShownWithTheColourOfItsGroup(WorkloadState state) throws Exception {
        service.with(FakeWorkloadService.status("vision", state, "why: " + state.id()));

        String html = get(new FakeHttp.Request("GET", "/workloads")).body();

        String tone = switch (state) {
            case RUNNING -> "ok";
            case STARTING, PREPARING, PENDING -> "progress";
            case BACKOFF, UNHEALTHY -> "warning";
            case FAILED, CRASH_LOOP, ENGINE_UNAVAILABLE -> "error";
            case COMPLETED, STOPPED -> "idle";
        };
        assertThat(html).contains("data-state='" + state.id() + "'")
                .contains("<span class='wl-state wl-tone-" + tone + "'>" + state.id() + "</span>")
                .contains("why: " + state.id());
    }

    @Test
    void theColoursAreGreenBlueOrangeRedAndGrey() throws Exception {
        String html = get(new FakeHttp.Request("GET", "/workloads")).body();

        assertThat(html).contains(".wl-tone-ok{background:#2e7d32}", ".wl-tone-progress{background:#1565c0}",
                ".wl-tone-warning{background:#ef6c00}", ".wl-tone-error{background:#c62828}",
                ".wl-tone-idle{background:#757575}");
    }

    @Test
    void everyColumnOfAWorkloadIsShown() throws Exception {
        WorkloadStatus.Replica replica = new WorkloadStatus.Replica(0,
                "4d1f0e5c3b2a19080706050403020100ffeeddccbbaa99887766554433221100", WorkloadState.RUNNING, true, 2,
                Instant.parse("2025-03-01T10:04:00Z"), new ResourceUsage(12.345, 50 * 1024 * 1024, 256L * 1024 * 1024, 7));
        service.with(new WorkloadStatus("vision", RuntimeType.CONTAINER, "deploy:vision.workload.json",
                "0123456789abcdef0123", WorkloadState.RUNNING, "all replicas run", Instant.parse("2025-03-01T10:02:00Z"),
                3, new WorkloadStatus.Exit(137, true, Instant.parse("2025-03-01T10:01:00Z"), "exit 137 (killed: out of memory)"),
                1, List.of(replica)));

        String html = get(new FakeHttp.Request("GET", "/workloads")).body();

        assertThat(html).contains("<td data-cell='name' class='wl-name'>vision</td>")
                .contains("<td data-cell='runtime'>container</td>")
                .contains("<td data-cell='message'>all replicas run</td>")
                .contains("<td data-cell='restarts'>3</td>")
                .contains("137 — exit 137 (killed: out of memory) — 2025-03-01T10:01:00Z")
                .contains("<div>1 wanted</div><div>#0 4d1f0e5c3b2a running, healthy, 2 restarts, CPU 12.3 %, 50.0 / 256.0 MiB</div>")
                .contains("<td data-cell='source'>deploy:vision.workload.json</td>")
                .contains("<code>0123456789ab</code>")
                .contains("2025-03-01T10:02:00Z (3 min ago)")
                .contains("class='wl-restart-button'", "class='wl-remove-button'", "?logs=vision", "?spec=vision");
    }

    @Test
    void aMaliciousNameAndMessageAreEscapedEverywhere() throws Exception {
        String name = "x'><script>alert(1)</script>";
        String message = "\"><img src=x onerror=alert(2)>";
        service.with(FakeWorkloadService.status(name, WorkloadState.FAILED, message));
        service.logs.put(name, List.of("<b>bold</b>", "</pre><script>alert(3)</script>"));

        String html = get(new FakeHttp.Request("GET", "/workloads").param("logs", name).param("spec", name)
                .param("confirmRemove", name)).body();

        assertThat(html).doesNotContain("<script>alert", "<img src=x", "<b>bold</b>", "'><script")
                .contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;img src=x onerror=alert(2)&gt;",
                        "&lt;b&gt;bold&lt;/b&gt;");
    }

    @Test
    void withoutTheSupervisorThePageSaysItIsNotInstalled() throws Exception {
        WorkloadsPage headless = new WorkloadsPage(null, CLOCK, new CrossSiteGuard(TOKEN));

        FakeHttp.Response page = new FakeHttp.Response();
        headless.service(new FakeHttp.Request("GET", "/workloads").build(), page.build());
        FakeHttp.Response json = new FakeHttp.Response();
        headless.service(new FakeHttp.Request("GET", "/workloads/status.json").build(), json.build());

        assertThat(page.body()).contains("id='workloads-missing'", "workload supervisor is not installed");
        assertThat(json.status).isEqualTo(503);
        assertThat(json.body()).contains("not installed");
    }

    @Test
    void statusJsonHasTheApiShapeAndTheCellsOfTheTable() throws Exception {
        service.with(FakeWorkloadService.status("b-second", WorkloadState.BACKOFF, "exit 1; retry in 2 s"));
        service.with(FakeWorkloadService.status("a-first", WorkloadState.RUNNING, ""));

        FakeHttp.Response response = get(new FakeHttp.Request("GET", "/workloads/status.json"));

        assertThat(response.status).isEqualTo(200);
        assertThat(response.contentType).isEqualTo("application/json");
        Map<String, Object> json = JSON.std.mapFrom(response.body());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> workloads = (List<Map<String, Object>>) json.get("workloads");
        assertThat(workloads).extracting(w -> w.get("name")).containsExactly("a-first", "b-second");
        assertThat(workloads.get(1)).containsKeys("name", "runtime", "state", "message", "since", "source", "specHash",
                "restarts", "replicas", "instances", "cells");
        // as in the WORKLOADS-V1 answers (jackson-jr), a null field is left out: no exit yet, no lastExit
        assertThat(workloads.get(1)).doesNotContainKey("lastExit");
        @SuppressWarnings("unchecked")
        Map<String, Object> cells = (Map<String, Object>) workloads.get(1).get("cells");
        assertThat(cells).containsEntry("state", "backoff").containsEntry("tone", "warning")
                .containsEntry("message", "exit 1; retry in 2 s").containsEntry("wanted", "1 wanted");
    }

    @Test
    void anUnknownPathBelowThePageIs404() throws Exception {
        assertThat(get(new FakeHttp.Request("GET", "/workloads/other")).status).isEqualTo(404);
    }

    @Test
    void aPastedSpecIsAppliedFromTheConsole() throws Exception {
        FakeHttp.Response response = post(form("apply")
                .param("spec", "{\"name\":\"vision\",\"image\":{\"reference\":\"example/vision:1\"}}"));

        assertThat(response.status).isEqualTo(303);
        assertThat(service.applied).containsExactly("vision from console");
        assertThat(follow(response)).contains("wl-result-ok", "Applied workload vision.");
    }

    @Test
    void anUploadedFileWinsOverTheTextArea() throws Exception {
        FakeHttp.Response response = post(new FakeHttp.Request("POST", "/workloads")
                .part("action", null, "apply").part("token", null, TOKEN).part("spec", null, "")
                .part("specFile", "uploaded.json", "{\"name\":\"uploaded\",\"image\":{\"reference\":\"example/u:1\"}}")
                .header("Origin", "http://127.0.0.1:8080"));

        assertThat(response.status).isEqualTo(303);
        assertThat(service.applied).containsExactly("uploaded from console");
    }

    @Test
    void aRefusedSpecShowsEveryProblemByFieldNextToTheFormAndChangesNothing() throws Exception {
        service.with(FakeWorkloadService.status("existing", WorkloadState.RUNNING, ""));
        String bad = "{\"name\":\"vision\",\"resources\":{\"memoryMiB\":-5}}";

        FakeHttp.Response response = post(form("apply").param("spec", bad));

        assertThat(response.status).isEqualTo(303);
        assertThat(response.location()).startsWith(ROOT + "?result=").endsWith("#apply");
        assertThat(service.applied).isEmpty();
        assertThat(service.statuses).containsOnlyKeys("existing");
        String html = follow(response);
        assertThat(html).contains("id='workload-problems'", "The spec was refused; nothing changed.")
                .contains("<li data-field='resources.memoryMiB'><code>resources.memoryMiB</code>: -5 is negative")
                .contains("<li data-field='image.reference'><code>image.reference</code>: missing")
                // the text is offered again for correction, escaped
                .contains("<textarea name='spec' id='workload-spec-text' rows='18' cols='80' spellcheck='false'>"
                        + "{&#34;name&#34;:&#34;vision&#34;,&#34;resources&#34;:{&#34;memoryMiB&#34;:-5}}</textarea>");
    }

    @Test
    void anEmptySpecIsRefusedWithoutAskingTheService() throws Exception {
        FakeHttp.Response response = post(form("apply").param("spec", "  "));

        assertThat(service.applied).isEmpty();
        assertThat(follow(response)).contains("wl-result-failed", "No spec was sent");
    }

    @Test
    void restartRestartsAndAnUnknownNameIsSaid() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.CRASH_LOOP, "crashed 5 times"));

        String restarted = follow(post(form("restart").param("name", "vision")));
        String unknown = follow(post(form("restart").param("name", "ghost")));

        assertThat(service.restarted).containsExactly("vision", "ghost");
        assertThat(restarted).contains("wl-result-ok", "Restarting vision");
        assertThat(unknown).contains("wl-result-failed", "No workload named &#39;ghost&#39;; nothing restarted.");
    }

    @Test
    void removeAsksFirstThenRemoves() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.RUNNING, ""));

        FakeHttp.Response unconfirmed = post(form("remove").param("name", "vision").param("confirmed", ""));
        assertThat(service.removed).isEmpty();
        assertThat(unconfirmed.status).isEqualTo(303);
        assertThat(unconfirmed.location()).isEqualTo(ROOT + "?confirmRemove=vision");
        String confirmation = get(new FakeHttp.Request("GET", "/workloads").param("confirmRemove", "vision")).body();
        assertThat(confirmation).contains("id='workload-confirm-remove'", "name='confirmed' value='yes'");

        String removed = follow(post(form("remove").param("name", "vision").param("confirmed", "yes")));

        assertThat(service.removed).containsExactly("vision");
        assertThat(removed).contains("Removed vision").doesNotContain("data-name='vision'");
    }

    @Test
    void aPostWithoutTheFormTokenIsRefusedAndChangesNothing() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.RUNNING, ""));

        FakeHttp.Response noToken = post(new FakeHttp.Request("POST", "/workloads").param("action", "remove")
                .param("name", "vision").param("confirmed", "yes"));
        FakeHttp.Response wrongToken = post(form("remove").param("name", "vision").param("confirmed", "yes")
                .param("token", "guessed"));

        assertThat(noToken.status).isEqualTo(403);
        assertThat(wrongToken.status).isEqualTo(403);
        assertThat(wrongToken.body()).contains("token");
        assertThat(service.removed).isEmpty();
    }

    @Test
    void aPostFromAnotherSiteIsRefusedEvenWithTheToken() throws Exception {
        FakeHttp.Response foreign = post(form("restart").param("name", "vision").header("Origin", "https://evil.example"));
        FakeHttp.Response fetchSite = post(form("restart").param("name", "vision").header("Origin", null)
                .header("Sec-Fetch-Site", "cross-site"));

        assertThat(foreign.status).isEqualTo(403);
        assertThat(foreign.body()).contains("https://evil.example");
        assertThat(fetchSite.status).isEqualTo(403);
        assertThat(service.restarted).isEmpty();
    }

    @Test
    void logsShowTheLast200LinesEscaped() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.RUNNING, ""));
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            lines.add("line " + i + " <" + i + ">");
        }
        service.logs.put("vision", lines);

        String html = get(new FakeHttp.Request("GET", "/workloads").param("logs", "vision")).body();

        assertThat(service.logLinesAsked).containsExactly(200);
        assertThat(html).contains("id='workload-logs'", "line 300 &lt;300&gt;", "line 101 &lt;101&gt;")
                .doesNotContain("line 100 ");
    }

    @Test
    void theSpecIsShownAsIndentedJsonAndCanBeEditedInTheForm() throws Exception {
        service.with(FakeWorkloadService.status("vision", WorkloadState.RUNNING, ""));

        String spec = get(new FakeHttp.Request("GET", "/workloads").param("spec", "vision")).body();
        String edit = get(new FakeHttp.Request("GET", "/workloads").param("edit", "vision")).body();

        assertThat(spec).contains("<pre id='workload-spec' class='wl-pre'>{\n  &#34;name&#34; : &#34;vision&#34;",
                "?edit=vision#apply");
        assertThat(edit).contains("spellcheck='false'>{\n  &#34;name&#34; : &#34;vision&#34;");
    }

    @Test
    void anUnknownActionIs400() throws Exception {
        assertThat(post(form("explode")).status).isEqualTo(400);
    }

    private FakeHttp.Request form(String action) {
        return new FakeHttp.Request("POST", "/workloads").param("action", action).param("token", TOKEN)
                .header("Origin", "http://127.0.0.1:8080").attribute("felix.webconsole.pluginRoot", ROOT);
    }

    private FakeHttp.Response get(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        page.service(request.attribute("felix.webconsole.pluginRoot", ROOT).build(), response.build());
        return response;
    }

    private FakeHttp.Response post(FakeHttp.Request request) throws Exception {
        FakeHttp.Response response = new FakeHttp.Response();
        page.service(request.build(), response.build());
        return response;
    }

    /** The page the browser is redirected to. */
    private String follow(FakeHttp.Response redirect) throws Exception {
        assertThat(redirect.status).isEqualTo(303);
        String location = redirect.location();
        assertThat(location).startsWith(ROOT + "?result=");
        String id = location.substring((ROOT + "?result=").length()).replaceAll("#.*", "");
        return get(new FakeHttp.Request("GET", "/workloads").param("result", id)).body();
    }
}
