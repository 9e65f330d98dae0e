package io.hybridge.deploy.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContextSelect;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardFilterPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;

/**
 * Checks bundles uploaded through the web console before the console installs them. The
 * console itself answers a corrupt upload with a bare 500 and logs a temporary file name;
 * this answers 400 naming the uploaded file and what is wrong, and nothing is installed.
 * Runs after the console's authentication (it is in the console's servlet context).
 */
@Component(service = Filter.class)
@HttpWhiteboardContextSelect("(osgi.http.whiteboard.context.name=org.apache.felix.webconsole)")
@HttpWhiteboardFilterPattern("/*")
public class BundleUploadFilter implements Filter {

    private static final Logger LOG = LoggerFactory.getLogger(BundleUploadFilter.class);

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest request = (HttpServletRequest) req;
        if (isBundleUpload(request)) {
            for (Part part : request.getParts()) {
                if (!"bundlefile".equals(part.getName()) || part.getSubmittedFileName() == null) {
                    continue;
                }
                Optional<String> problem;
                try (InputStream in = part.getInputStream()) {
                    problem = BundleArchiveCheck.problem(in);
                }
                if (problem.isPresent()) {
                    String message = "uploaded file '" + part.getSubmittedFileName() + "' was not installed: "
                            + problem.get() + ". Nothing was changed.";
                    LOG.error("web console: {}", message);
                    HttpServletResponse response = (HttpServletResponse) res;
                    response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                    response.setContentType("text/plain");
                    response.setCharacterEncoding("UTF-8");
                    response.getWriter().println(message);
                    return;
                }
            }
        }
        chain.doFilter(req, res);
    }

    private static boolean isBundleUpload(HttpServletRequest request) {
        String contentType = request.getContentType();
        return "POST".equals(request.getMethod()) && contentType != null
                && contentType.toLowerCase().startsWith("multipart/form-data")
                && request.getRequestURI().contains("/bundles");
    }
}
