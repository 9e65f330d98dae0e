package io.hybridge.itests.bench.probe;

import java.util.Hashtable;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import jakarta.servlet.Servlet;

/**
 * The activator of the OTA benchmark's probe bundle (packed into a bundle jar at run time, not
 * part of the test JVM's own work): registers {@link ProbeServlet} at {@code /probe} with the
 * servlet whiteboard, so the benchmark can poll the updated bundle's service over HTTP from
 * outside while the gateway replaces it.
 */
public final class ProbeActivator implements BundleActivator {
    private ServiceRegistration<Servlet> registration;

    @Override
    public void start(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("osgi.http.whiteboard.servlet.pattern", "/probe");
        registration = context.registerService(Servlet.class, new ProbeServlet(context.getBundle().getVersion().toString()),
                properties);
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }
}
