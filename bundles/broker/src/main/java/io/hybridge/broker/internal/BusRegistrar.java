package io.hybridge.broker.internal;

import java.util.Hashtable;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import io.hybridge.api.bus.LocalBus;

/**
 * Offers a running broker's bus to the rest of the gateway, and withdraws it before the broker
 * stops. In the framework it is an OSGi service registration; tests record the calls.
 */
@FunctionalInterface
interface BusRegistrar {

    /** Offers nothing: for a broker that has no framework around it. */
    BusRegistrar NONE = (bus, settings) -> () -> { };

    /** Offers the bus of a broker running with these settings; the returned action withdraws it. */
    Runnable register(LocalBus bus, BrokerSettings settings);

    /** Registers the bus as a {@link LocalBus} service of the broker's bundle. */
    static BusRegistrar services(BundleContext context) {
        return (bus, settings) -> {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(Constants.SERVICE_DESCRIPTION, "Hybridge local MQTT bus (in process)");
            // where MQTT clients reach the same broker: workloads are given this port
            properties.put(LocalBus.PORT, settings.port());
            properties.put(LocalBus.HOST, settings.host());
            ServiceRegistration<LocalBus> registration = context.registerService(LocalBus.class, bus, properties);
            return () -> {
                try {
                    registration.unregister();
                } catch (IllegalStateException alreadyGone) {
                    // the bundle is stopping: the framework has unregistered it already
                }
            };
        };
    }
}
