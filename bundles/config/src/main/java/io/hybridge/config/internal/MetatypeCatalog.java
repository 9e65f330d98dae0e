package io.hybridge.config.internal;

import java.util.Map;

/**
 * What Metatype describes right now: the configurable PIDs and factory PIDs of all bundles,
 * each with its definition. A PID without Metatype is not configurable here.
 */
public interface MetatypeCatalog {

    /** PID → definition, for components configured by one configuration. */
    Map<String, ComponentDefinition> pids();

    /** Factory PID → definition, for components there are many of. */
    Map<String, ComponentDefinition> factoryPids();
}
