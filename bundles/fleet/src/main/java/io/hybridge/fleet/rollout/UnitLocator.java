package io.hybridge.fleet.rollout;

/** Where gateways download a unit from: its own URI, or the fleet's file server. */
@FunctionalInterface
public interface UnitLocator {

    /** @throws IllegalStateException saying why the unit cannot be reached */
    String uri(Unit unit);
}
