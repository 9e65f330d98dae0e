package io.hybridge.health.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardServletPattern;

import com.fasterxml.jackson.jr.ob.JSON;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /health}: JSON with the overall status and one entry per subsystem; 200 when
 * the gateway is ready, 503 while it starts or when a subsystem is down. Unauthenticated on
 * purpose, for load balancers and supervisors; it reveals states, never configuration.
 */
@Component(service = Servlet.class)
@HttpWhiteboardServletPattern("/health")
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    /** jackson-jr: maps and lists to JSON without databind's start-up cost; /health is on the start-up path. */
    private static final JSON JSON_WRITER = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private final transient HealthAggregator aggregator;

    @Activate
    public HealthServlet(@Reference HealthAggregator aggregator) {
        this.aggregator = aggregator;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HealthAggregator.GatewayHealth health = aggregator.current();
        response.setStatus(health.ready() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        JSON_WRITER.write(health.toJson(), response.getOutputStream());
    }
}
