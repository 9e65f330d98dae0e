package io.hybridge.console.internal.workloads;

import static org.owasp.encoder.Encode.forHtml;
import static org.owasp.encoder.Encode.forHtmlAttribute;
import static org.owasp.encoder.Encode.forUriComponent;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadStatus;
import io.hybridge.console.internal.workloads.ActionResults.Result;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

/**
 * Web console page "Workloads" ({@code /system/console/workloads}): every workload the
 * supervisor knows with its state, last exit and replicas, and the operator's actions on them —
 * restart, remove, logs, spec, and add or replace one from a pasted or uploaded JSON spec
 * ({@link WorkloadService#parse}, then {@link WorkloadService#apply} with source
 * {@code console}; a refused spec lists every problem by field and changes nothing).
 *
 * <p>Reading is GET ({@code ?logs=}, {@code ?spec=}, {@code ?edit=} and {@code status.json},
 * which the page's few lines of script poll every 5 s to refresh the table); changing is a form
 * POST, checked by {@link CrossSiteGuard}, answered by a redirect to the page with the result
 * ({@link ActionResults}), because the console frames only GET answers and a reload must not
 * repeat an action. Everything from a workload (names, messages, logs) is HTML-escaped.
 *
 * <p>The supervisor is an optional dynamic reference: without it the page says it is not
 * installed.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=" + WorkloadsPage.LABEL,
        "felix.webconsole.title=Workloads",
        "felix.webconsole.category=Hybridge"})
public class WorkloadsPage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final String LABEL = "workloads";
    static final String STATUS_JSON = "/status.json";
    static final int LOG_LINES = 200;
    /** Far more than any spec; a bigger one is a mistake. */
    static final int MAX_SPEC_BYTES = 1 << 20;
    static final String SOURCE = "console";
    static final int REFRESH_MILLIS = 5000;

    private static final String NOT_INSTALLED = "The workload supervisor is not installed: no WorkloadService is "
            + "registered (the hybridge-workloads bundle is missing or not active).";

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile WorkloadService workloads;

    private final transient Clock clock;
    private final transient CrossSiteGuard guard;
    private final transient ActionResults results;

    public WorkloadsPage() {
        this(null, Clock.systemUTC(), new CrossSiteGuard());
    }

    WorkloadsPage(WorkloadService workloads, Clock clock, CrossSiteGuard guard) {
        this.workloads = workloads;
        this.clock = clock;
        this.guard = guard;
        this.results = new ActionResults(clock);
    }

    // ---------------------------------------------------------------------------------- GET

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String below = belowLabel(request);
        if (below.equals(STATUS_JSON)) {
            statusJson(response);
        } else if (below.isEmpty() || below.equals("/")) {
            page(request, response);
        } else {
            response.sendError(HttpServletResponse.SC_NOT_FOUND);
        }
    }

    private void statusJson(HttpServletResponse response) throws IOException {
        WorkloadService service = workloads;
        Map<String, Object> body = new LinkedHashMap<>();
        if (service == null) {
            body.put("error", NOT_INSTALLED);
            writeJson(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, body);
            return;
        }
        Instant now = clock.instant();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (WorkloadStatus status : sorted(service.list())) {
            Map<String, Object> entry = status.toJsonMap();
            entry.put("cells", StatusCells.of(status, now).toJson());
            entries.add(entry);
        }
        body.put("workloads", entries);
        writeJson(response, HttpServletResponse.SC_OK, body);
    }

    private void page(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        PrintWriter out = response.getWriter();
        out.println(STYLE);
        WorkloadService service = workloads;
        if (service == null) {
            out.println("<p class='statline' id='workloads-missing'>" + forHtml(NOT_INSTALLED) + "</p>");
            return;
        }
        String root = pluginRoot(request);
        List<WorkloadStatus> list = sorted(service.list());
        Result result = results.get(request.getParameter("result"));

        out.println("<p class='statline'>" + list.size() + (list.size() == 1 ? " workload" : " workloads")
                + ". The table refreshes every " + REFRESH_MILLIS / 1000 + " s.</p>");
        if (result != null) {
            out.println("<div id='workloads-result' class='wl-result " + (result.ok() ? "wl-result-ok" : "wl-result-failed")
                    + "'>" + forHtml(result.text()) + "</div>");
        }
        String confirm = request.getParameter("confirmRemove");
        if (confirm != null) {
            confirmRemove(out, root, service, confirm);
        }
        table(out, root, list);
        String logs = request.getParameter("logs");
        if (logs != null) {
            logs(out, service, logs);
        }
        String spec = request.getParameter("spec");
        if (spec != null) {
            spec(out, root, service, spec);
        }
        applyForm(out, root, formText(service, request.getParameter("edit"), result), result);
        out.println(SCRIPT);
    }

    private void table(PrintWriter out, String root, List<WorkloadStatus> list) {
        Instant now = clock.instant();
        out.println("<table class='nicetable' id='workloads' data-status-url='"
                + forHtmlAttribute(root + STATUS_JSON) + "'>");
        out.println("<thead><tr><th>Name</th><th>Runtime</th><th>State</th><th>Message</th><th>Restarts</th>"
                + "<th>Last exit</th><th>Replicas</th><th>Source</th><th>Spec hash</th><th>Since</th><th>Actions</th>"
                + "</tr></thead><tbody>");
        if (list.isEmpty()) {
            out.println("<tr id='workloads-none'><td colspan='11'>No workloads yet: add one with the form below, drop a "
                    + "<code>*.workload.json</code> into <code>deploy/</code> or send one over WORKLOADS-V1.</td></tr>");
        }
        for (WorkloadStatus status : list) {
            StatusCells cells = StatusCells.of(status, now);
            String name = status.name();
            out.println("<tr id='" + forHtmlAttribute("workload-" + name) + "' data-name='" + forHtmlAttribute(name)
                    + "' data-state='" + forHtmlAttribute(cells.state()) + "'>");
            out.println("<td data-cell='name' class='wl-name'>" + forHtml(name) + "</td>");
            out.println("<td data-cell='runtime'>" + forHtml(cells.runtime()) + "</td>");
            out.println("<td data-cell='state'><span class='wl-state wl-tone-" + cells.tone() + "'>"
                    + forHtml(cells.state()) + "</span></td>");
            out.println("<td data-cell='message'>" + forHtml(cells.message()) + "</td>");
            out.println("<td data-cell='restarts'>" + forHtml(cells.restarts()) + "</td>");
            out.println("<td data-cell='lastExit'>" + forHtml(cells.lastExit()) + "</td>");
            out.print("<td data-cell='replicas'><div>" + forHtml(cells.wanted()) + "</div>");
            for (String replica : cells.replicas()) {
                out.print("<div>" + forHtml(replica) + "</div>");
            }
            out.println("</td>");
            out.println("<td data-cell='source'>" + forHtml(cells.source()) + "</td>");
            out.println("<td data-cell='specHash' title='" + forHtmlAttribute(nullToEmpty(status.specHash())) + "'><code>"
                    + forHtml(cells.specHash()) + "</code></td>");
            out.println("<td data-cell='since'>" + forHtml(cells.since()) + "</td>");
            out.println("<td class='wl-actions'>" + actionForm(root, "restart", name, "Restart", "")
                    + actionForm(root, "remove", name, "Remove", "<input type='hidden' name='confirmed' value=''>")
                    + " <a class='wl-logs' href='" + forHtmlAttribute(root + "?logs=" + forUriComponent(name))
                    + "#workload-logs'>Logs</a>"
                    + " <a class='wl-spec' href='" + forHtmlAttribute(root + "?spec=" + forUriComponent(name))
                    + "#workload-spec'>Spec</a></td>");
            out.println("</tr>");
        }
        out.println("</tbody></table>");
    }

    private String actionForm(String root, String action, String name, String label, String extra) {
        return "<form method='post' action='" + forHtmlAttribute(root) + "' class='wl-inline wl-" + action
                + "' data-name='" + forHtmlAttribute(name) + "'>"
                + hidden("action", action) + hidden("name", name) + hidden(CrossSiteGuard.TOKEN_FIELD, guard.token())
                + extra + "<button type='submit' class='wl-" + action + "-button'>" + forHtml(label) + "</button></form>";
    }

    private static String hidden(String field, String value) {
        return "<input type='hidden' name='" + forHtmlAttribute(field) + "' value='" + forHtmlAttribute(value) + "'>";
    }

    private void confirmRemove(PrintWriter out, String root, WorkloadService service, String name) {
        if (service.status(name).isEmpty()) {
            out.println("<div class='wl-result wl-result-failed'>No workload named '" + forHtml(name) + "'.</div>");
            return;
        }
        out.println("<div class='wl-confirm' id='workload-confirm-remove'><p>Remove workload <b>" + forHtml(name)
                + "</b>? Its instances are stopped and deleted, and its spec is gone.</p>"
                + "<form method='post' action='" + forHtmlAttribute(root) + "' class='wl-inline'>" + hidden("action", "remove")
                + hidden("name", name) + hidden(CrossSiteGuard.TOKEN_FIELD, guard.token()) + hidden("confirmed", "yes")
                + "<button type='submit' id='workload-confirm-remove-button'>Remove " + forHtml(name) + "</button></form> "
                + "<a href='" + forHtmlAttribute(root) + "'>Cancel</a></div>");
    }

    private static void logs(PrintWriter out, WorkloadService service, String name) {
        out.println("<h3 id='workload-logs-title'>Logs of " + forHtml(name) + " (last " + LOG_LINES + " lines)</h3>");
        if (service.status(name).isEmpty()) {
            out.println("<p id='workload-logs'>No workload named '" + forHtml(name) + "'.</p>");
            return;
        }
        List<String> lines = service.logs(name, LOG_LINES);
        out.println("<pre id='workload-logs' class='wl-pre'>"
                + (lines.isEmpty() ? "(no output yet)" : forHtml(String.join("\n", lines))) + "</pre>");
    }

    private static void spec(PrintWriter out, String root, WorkloadService service, String name) {
        out.println("<h3 id='workload-spec-title'>Spec of " + forHtml(name) + "</h3>");
        Optional<WorkloadSpec> spec = service.spec(name);
        if (spec.isEmpty()) {
            out.println("<p id='workload-spec'>No workload named '" + forHtml(name) + "'.</p>");
            return;
        }
        out.println("<pre id='workload-spec' class='wl-pre'>" + forHtml(WorkloadJson.pretty(service.toJson(spec.get())))
                + "</pre><p><a href='" + forHtmlAttribute(root + "?edit=" + forUriComponent(name))
                + "#apply'>Edit it in the form below</a></p>");
    }

    /** What the form's text area holds: the refused text again, the spec being edited, or nothing. */
    private static String formText(WorkloadService service, String edit, Result result) {
        if (result != null && !result.ok() && !result.specText().isEmpty()) {
            return result.specText();
        }
        if (edit != null) {
            return service.spec(edit).map(spec -> WorkloadJson.pretty(service.toJson(spec))).orElse("");
        }
        return "";
    }

    private void applyForm(PrintWriter out, String root, String text, Result result) {
        out.println("<h3 id='apply'>Add or replace a workload</h3>");
        out.println("<form method='post' action='" + forHtmlAttribute(root) + "' enctype='multipart/form-data' "
                + "id='workload-apply'>" + hidden("action", "apply") + hidden(CrossSiteGuard.TOKEN_FIELD, guard.token()));
        out.println("<div class='wl-apply'><div>");
        out.println("<p>Paste a JSON spec (a workload of the same name is replaced) or upload a file:</p>");
        out.println("<textarea name='spec' id='workload-spec-text' rows='18' cols='80' spellcheck='false'>"
                + forHtml(text) + "</textarea>");
        out.println("<p><input type='file' name='specFile' id='workload-spec-file' accept='.json,application/json'> "
                + "<button type='submit' id='workload-apply-button'>Apply</button></p>");
        out.println("</div>");
        if (result != null && !result.problems().isEmpty()) {
            out.println("<div id='workload-problems' class='wl-problems'><p>" + forHtml(result.text()) + "</p><ul>");
            for (SpecProblem problem : result.problems()) {
                out.println("<li data-field='" + forHtmlAttribute(problem.field()) + "'><code>" + forHtml(problem.field())
                        + "</code>: " + forHtml(problem.message()) + "</li>");
            }
            out.println("</ul></div>");
        }
        out.println("</div></form>");
    }

    // --------------------------------------------------------------------------------- POST

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String refusal = guard.refuseForm(request, field(request, CrossSiteGuard.TOKEN_FIELD));
        if (refusal != null) {
            sendText(response, HttpServletResponse.SC_FORBIDDEN, "Refused: " + refusal + ". Nothing was changed.");
            return;
        }
        String root = pluginRoot(request);
        String action = field(request, "action");
        String name = field(request, "name");
        WorkloadService service = workloads;
        if (service == null) {
            redirect(response, root, Result.failed(NOT_INSTALLED + " Nothing was done."), "");
            return;
        }
        try {
            switch (action == null ? "" : action) {
                case "restart" -> redirect(response, root, service.restart(nullToEmpty(name))
                        ? Result.done("Restarting " + name + ": every replica is being restarted.")
                        : noSuch(name, "restarted"), "");
                case "remove" -> {
                    if (!"yes".equals(field(request, "confirmed"))) {
                        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
                        response.setHeader("Location", root + "?confirmRemove=" + forUriComponent(nullToEmpty(name)));
                        return;
                    }
                    redirect(response, root, service.remove(nullToEmpty(name))
                            ? Result.done("Removed " + name + ": its instances are stopped and deleted.")
                            : noSuch(name, "removed"), "");
                }
                case "apply" -> apply(request, response, root, service);
                default -> sendText(response, HttpServletResponse.SC_BAD_REQUEST, "'" + action
                        + "' is not an action of the workloads page; use restart, remove or apply.");
            }
        } catch (RuntimeException e) {
            redirect(response, root, Result.failed(action + " failed: " + e.getMessage()), "");
        }
    }

    private void apply(HttpServletRequest request, HttpServletResponse response, String root, WorkloadService service)
            throws IOException {
        String text;
        try {
            text = specText(request);
        } catch (SpecTooLarge e) {
            redirect(response, root, Result.failed("The spec is larger than " + MAX_SPEC_BYTES
                    + " bytes; nothing changed."), "#apply");
            return;
        }
        if (text == null || text.isBlank()) {
            redirect(response, root, Result.failed("No spec was sent: paste a JSON spec or choose a file; nothing changed."),
                    "#apply");
            return;
        }
        try {
            WorkloadSpec spec = service.parse(text);
            boolean changed = service.apply(spec, SOURCE);
            redirect(response, root, Result.done(changed ? "Applied workload " + spec.name() + "."
                    : "Workload " + spec.name() + " already has this spec; nothing changed."), "");
        } catch (InvalidSpecException e) {
            redirect(response, root, new Result(false, "The spec was refused; nothing changed. Problems by field:",
                    e.problems(), text), "#apply");
        }
    }

    /** The uploaded file when one was chosen, else the text area. */
    private static String specText(HttpServletRequest request) throws IOException, SpecTooLarge {
        Part file = part(request, "specFile");
        if (file != null && file.getSize() > 0) {
            return read(file);
        }
        return field(request, "spec");
    }

    private static final class SpecTooLarge extends Exception {
        private static final long serialVersionUID = 1L;
    }

    private static String read(Part part) throws IOException, SpecTooLarge {
        try (InputStream in = part.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_SPEC_BYTES + 1);
            if (bytes.length > MAX_SPEC_BYTES) {
                throw new SpecTooLarge();
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A form field, from a URL-encoded or a multipart form. */
    static String field(HttpServletRequest request, String name) throws IOException {
        String value = request.getParameter(name);
        if (value != null) {
            return value;
        }
        Part part = part(request, name);
        if (part == null) {
            return null;
        }
        try {
            return read(part);
        } catch (SpecTooLarge e) {
            return null;
        }
    }

    private static Part part(HttpServletRequest request, String name) throws IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            return null;
        }
        try {
            return request.getPart(name);
        } catch (ServletException | IllegalStateException e) {
            return null; // not a multipart request the container parsed
        }
    }

    private void redirect(HttpServletResponse response, String root, Result result, String anchor) {
        String id = results.put(result);
        response.setStatus(HttpServletResponse.SC_SEE_OTHER);
        response.setHeader("Location", root + "?result=" + id + anchor);
    }

    private static Result noSuch(String name, String what) {
        return Result.failed("No workload named '" + name + "'; nothing " + what + ".");
    }

    // ------------------------------------------------------------------------------ helpers

    /** The path below the page's label: "" for the page, "/status.json" for its data. */
    static String belowLabel(HttpServletRequest request) {
        String path = request.getPathInfo();
        if (path == null) {
            return "";
        }
        String prefix = "/" + LABEL;
        if (path.equals(prefix)) {
            return "";
        }
        return path.startsWith(prefix + "/") ? path.substring(prefix.length()) : path;
    }

    /** The page's own URL path, as the console tells its plugins. */
    static String pluginRoot(HttpServletRequest request) {
        Object root = request.getAttribute("felix.webconsole.pluginRoot");
        if (root instanceof String text && !text.isEmpty()) {
            return text;
        }
        return request.getContextPath() + request.getServletPath() + "/" + LABEL;
    }

    private static List<WorkloadStatus> sorted(List<WorkloadStatus> list) {
        List<WorkloadStatus> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparing(WorkloadStatus::name));
        return sorted;
    }

    private static String nullToEmpty(String text) {
        return text == null ? "" : text;
    }

    static void writeJson(HttpServletResponse response, int status, Object body) throws IOException {
        byte[] bytes = WorkloadJson.write(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void sendText(HttpServletResponse response, int status, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain");
        response.setCharacterEncoding("UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static final String STYLE = """
            <style>
            .wl-state{font-weight:bold;padding:1px 6px;border-radius:3px;color:#fff;white-space:nowrap}
            .wl-tone-ok{background:#2e7d32}
            .wl-tone-progress{background:#1565c0}
            .wl-tone-warning{background:#ef6c00}
            .wl-tone-error{background:#c62828}
            .wl-tone-idle{background:#757575}
            .wl-result{padding:6px;margin:6px 0;border:1px solid}
            .wl-result-ok{border-color:#2e7d32;background:#e8f5e9}
            .wl-result-failed{border-color:#c62828;background:#ffebee}
            .wl-confirm{padding:6px;margin:6px 0;border:1px solid #ef6c00;background:#fff3e0}
            .wl-apply{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
            .wl-problems{border:1px solid #c62828;background:#ffebee;padding:6px;max-width:45em}
            .wl-pre{max-height:30em;overflow:auto;background:#f6f6f6;padding:6px;white-space:pre-wrap}
            form.wl-inline{display:inline}
            #workloads td[data-cell=replicas] div{white-space:nowrap}
            </style>""";

    /**
     * Asks before a remove (without script the server asks instead) and refreshes the table's
     * cells from status.json every 5 s, as text; reloads when workloads come or go, unless the
     * form is being edited.
     */
    private static final String SCRIPT = """
            <script>
            (function () {
              document.querySelectorAll('form.wl-remove').forEach(function (form) {
                form.addEventListener('submit', function (event) {
                  if (window.confirm('Remove workload ' + form.dataset.name + '? Its instances are stopped and deleted.')) {
                    form.elements.confirmed.value = 'yes';
                  } else {
                    event.preventDefault();
                  }
                });
              });
              var table = document.getElementById('workloads');
              var text = document.getElementById('workload-spec-text');
              if (!table || !window.fetch) { return; }
              function shownNames() {
                return Array.prototype.map.call(table.querySelectorAll('tbody tr[data-name]'),
                    function (row) { return row.dataset.name; });
              }
              function update(row, cells) {
                row.dataset.state = cells.state;
                row.querySelectorAll('td[data-cell]').forEach(function (td) {
                  var key = td.dataset.cell;
                  if (key === 'state') {
                    var badge = td.querySelector('span');
                    badge.textContent = cells.state;
                    badge.className = 'wl-state wl-tone-' + cells.tone;
                  } else if (key === 'replicas') {
                    td.textContent = '';
                    [cells.wanted].concat(cells.replicas).forEach(function (line) {
                      var div = document.createElement('div');
                      div.textContent = line;
                      td.appendChild(div);
                    });
                  } else if (key === 'specHash') {
                    td.querySelector('code').textContent = cells.specHash;
                  } else if (key !== 'name' && cells[key] !== undefined) {
                    td.textContent = cells[key];
                  }
                });
              }
              function refresh() {
                fetch(table.dataset.statusUrl, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
                  .then(function (r) { return r.ok ? r.json() : null; })
                  .then(function (data) {
                    if (!data || !data.workloads) { return; }
                    var names = data.workloads.map(function (w) { return w.cells.name; });
                    if (names.join('\\n') !== shownNames().join('\\n')) {
                      var editing = text && (text.value !== text.defaultValue || document.activeElement === text);
                      if (!editing) { window.location.reload(); }
                      return;
                    }
                    var rows = table.querySelectorAll('tbody tr[data-name]');
                    data.workloads.forEach(function (w, i) { update(rows[i], w.cells); });
                  })
                  .catch(function () { /* the next round tries again */ });
              }
              window.setInterval(refresh, %d);
            })();
            </script>""".formatted(REFRESH_MILLIS);
}
