package io.hybridge.itests.bench.probe;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Answers {@code probe <bundle version>}: which revision served the request. */
public final class ProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final String version;

    ProbeServlet(String version) {
        this.version = version;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        response.getWriter().write("probe " + version);
    }
}
