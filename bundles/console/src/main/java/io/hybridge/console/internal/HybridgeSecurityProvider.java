package io.hybridge.console.internal;

import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Guards every web console page with the admin's HTTP Basic login ({@link AdminAuthentication},
 * shared with the {@code /api} context). The framework property
 * {@code felix.webconsole.security.providers=hybridge} makes the console refuse service
 * until this provider is registered, so the console's built-in admin/admin never applies.
 */
@Component(property = SecurityProvider.PROPERTY_ID + "=hybridge")
public class HybridgeSecurityProvider implements SecurityProvider {

    private final AdminAuthentication authentication;

    @Activate
    public HybridgeSecurityProvider(@Reference AdminAuthentication authentication) {
        this.authentication = authentication;
    }

    @Override
    public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
        return authentication.authenticate(request, response, "web console");
    }

    @Override
    public boolean authorize(Object user, String role) {
        // one account with every right; roles come with the user management of a later issue
        return AdminCredentials.USER.equals(user);
    }

    @Override
    public void logout(HttpServletRequest request, HttpServletResponse response) {
        // Basic authentication has no server-side session; a fresh challenge makes browsers forget
        AdminAuthentication.sendQuietly(response, HttpServletResponse.SC_UNAUTHORIZED);
    }
}
