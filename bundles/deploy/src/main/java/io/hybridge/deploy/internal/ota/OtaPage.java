package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.hybridge.api.crypto.Digests;

/**
 * Web console page "OTA": the running job, the installed units and the job history with each
 * job's outcome and reason — what the fleet sees over DEPLOY-V2, for the operator at the
 * gateway. Read-only: jobs are started from the fleet.
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=ota",
        "felix.webconsole.title=OTA",
        "felix.webconsole.category=Hybridge"})
public final class OtaPage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    private final transient DeploymentAgent agent;

    @Activate
    public OtaPage(@Reference DeploymentAgent agent) {
        this.agent = agent;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        PrintWriter out = response.getWriter();
        Job running = agent.activeJob().orElse(null);
        out.println("<p class='statline' id='ota-status'>" + (running == null ? "No job running."
                : "Job " + running.id + ": " + h(running.operation) + " of " + h(running.name) + " " + h(running.version)
                        + " at step " + running.step + ".")
                + (agent.unsignedAllowed() ? " <b>Unsigned units are accepted (development only).</b>" : "") + "</p>");
        out.println("<p class='statline' id='ota-digests'>Unit hashes: " + h(Digests.implementation()) + "</p>");

        out.println("<h3>Installed units</h3><table class='nicetable' id='ota-installed'><thead><tr><th>Name</th>"
                + "<th>Version</th><th>Type</th><th>Bundles</th><th>Job</th><th>Installed</th></tr></thead><tbody>");
        List<InstalledUnits.Unit> units = agent.installedUnits();
        if (units.isEmpty()) {
            out.println("<tr><td colspan='6'>none installed over the air</td></tr>");
        }
        for (InstalledUnits.Unit unit : units) {
            out.println("<tr><td>" + h(unit.name()) + "</td><td>" + h(unit.version()) + "</td><td>" + h(unit.type())
                    + "</td><td>" + h(String.join(", ", unit.changes().stream()
                            .map(c -> c.symbolicName() + " " + c.version()).toList()))
                    + "</td><td>" + unit.jobId() + "</td><td>" + Instant.ofEpochMilli(unit.installedAt()) + "</td></tr>");
        }
        out.println("</tbody></table>");

        out.println("<h3>Jobs</h3><table class='nicetable' id='ota-jobs'><thead><tr><th>Job</th><th>Operation</th>"
                + "<th>Unit</th><th>Download</th><th>Install</th><th>Reason</th><th>Finished</th></tr></thead><tbody>");
        for (Job job : agent.jobs()) {
            out.println("<tr class='ota-job' data-status='" + h(String.valueOf(job.status())) + "'><td>" + job.id
                    + "</td><td>" + h(job.operation) + "</td><td>" + h(job.name) + " " + h(job.version) + "</td><td>"
                    + h(job.downloadStatus == null ? "" : job.downloadStatus + " " + job.downloadProgress + "%")
                    + "</td><td>" + h(job.installStatus == null ? "" : job.installStatus) + "</td><td>"
                    + h(job.error() == null ? "" : job.error()) + "</td><td>"
                    + (job.finishedAt > 0 ? Instant.ofEpochMilli(job.finishedAt).toString() : "running") + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    private static String h(String text) {
        return text == null ? "" : InventoryBodies.escape(text);
    }
}
