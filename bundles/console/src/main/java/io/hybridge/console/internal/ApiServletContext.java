package io.hybridge.console.internal;

import java.io.IOException;

import org.osgi.service.component.annotations.Activate;

import io.hybridge.console.internal.workloads.CrossSiteGuard;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ServiceScope;
import org.osgi.service.servlet.context.ServletContextHelper;
import org.osgi.service.servlet.whiteboard.propertytypes.HttpWhiteboardContext;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The servlet context {@code io.hybridge.api} at {@code /api}: where the gateway's JSON HTTP
 * APIs live (the configuration API of the config bundle selects it). Every request needs the
 * admin's HTTP Basic login, checked and rate-limited by the same {@link AdminAuthentication}
 * as the web console: 401 with a challenge, 429 with {@code Retry-After} while locked out.
 * A change (anything but GET, HEAD, OPTIONS) that a browser says comes from another site is
 * refused with 403: a browser that has the admin's Basic credentials cached would otherwise send
 * them along with a forged cross-site request. Scripts send no {@code Origin} and are unaffected.
 *
 * <p>Bundle scope, as the whiteboard expects of a context: each bundle's servlets get their
 * own instance (for resources), all sharing the one authentication.
 */
@Component(service = ServletContextHelper.class, scope = ServiceScope.BUNDLE)
@HttpWhiteboardContext(name = ApiServletContext.NAME, path = "/api")
public class ApiServletContext extends ServletContextHelper {

    static final String NAME = "io.hybridge.api";

    private final AdminAuthentication authentication;

    @Activate
    public ApiServletContext(@Reference AdminAuthentication authentication) {
        this.authentication = authentication;
    }

    @Override
    public boolean handleSecurity(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String user = authentication.authenticate(request, response, "HTTP API");
        if (user == null) {
            return false;
        }
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD") && !method.equals("OPTIONS")) {
            String refusal = CrossSiteGuard.refuseCrossSite(request);
            if (refusal != null) {
                response.sendError(HttpServletResponse.SC_FORBIDDEN, "refused: " + refusal);
                return false;
            }
        }
        request.setAttribute(REMOTE_USER, user);
        request.setAttribute(AUTHENTICATION_TYPE, HttpServletRequest.BASIC_AUTH);
        return true;
    }
}
