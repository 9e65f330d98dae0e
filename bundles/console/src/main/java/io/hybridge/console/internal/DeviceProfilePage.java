package io.hybridge.console.internal;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.owasp.encoder.Encode;

import io.hybridge.api.device.DeviceProfile;
import io.hybridge.api.device.MachineCapabilities;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Web console page "Device profile": which board the gateway believes it runs on, where
 * that came from, and what the machine offers (Docker, QEMU, KVM).
 */
@Component(service = Servlet.class, property = {
        "felix.webconsole.label=device",
        "felix.webconsole.title=Device profile",
        "felix.webconsole.category=Hybridge"})
public class DeviceProfilePage extends HttpServlet {

    private static final long serialVersionUID = 1L;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile DeviceProfile profile;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/html");
        response.setCharacterEncoding("UTF-8");
        PrintWriter out = response.getWriter();
        DeviceProfile current = profile;
        if (current == null) {
            out.println("<p class='statline'>No device profile yet: detection is still running or the "
                    + "device bundle is not active.</p>");
            return;
        }
        out.println("<p class='statline'>Active profile: <b id='device-profile-id'>" + Encode.forHtml(current.id())
                + "</b> (" + Encode.forHtml(current.source().name().toLowerCase()) + ")</p>");
        out.println("<table class='nicetable' id='device-profile'><tbody>");
        for (Map.Entry<String, String> row : rows(current).entrySet()) {
            out.println("<tr><td>" + Encode.forHtml(row.getKey()) + "</td><td>" + Encode.forHtml(row.getValue())
                    + "</td></tr>");
        }
        out.println("</tbody></table>");
    }

    static Map<String, String> rows(DeviceProfile p) {
        MachineCapabilities c = p.capabilities();
        Map<String, String> rows = new LinkedHashMap<>();
        rows.put("Board", p.name());
        rows.put("Profile id", p.id());
        rows.put("Source", p.source().name().toLowerCase());
        rows.put("Architecture", p.architecture());
        rows.put("CPU cores", Integer.toString(p.cpuCores()));
        rows.put("Memory", p.memoryMiB() + " MiB");
        rows.put("Accelerators", p.accelerators().isEmpty() ? "none" : String.join(", ", p.accelerators()));
        rows.put("Docker engine", c.dockerReachable() ? "reachable" : "not reachable");
        rows.put("QEMU", c.qemuPresent() ? "present" : "absent");
        rows.put("KVM", c.kvmUsable() ? "usable (/dev/kvm read-write)" : "not usable");
        return rows;
    }
}
